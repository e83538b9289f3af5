using System.Diagnostics;
using System.Globalization;

namespace TrustedOss.ReadLoad;

/// <summary>
/// A second gateway replica beside the one the AppHost runs: the same binary and settings (its
/// Redis user, keys, pepper, identity keys, copied from the running gateway's environment), on its
/// own port, with its <c>scans</c> cluster pointed at the bare Kestrel endpoint. Requests to
/// <c>/v1/scans/…</c> through it measure the gateway alone (key check, per-key limit, identity)
/// in front of the same trivial upstream raw YARP has; and it is the second replica that must see
/// a revocation.
/// </summary>
internal static class SecondGateway
{
    /// <param name="settings">Environment to set over the running gateway's (<c>NAME=value</c>), to compare a setting in the same run;
    /// <c>executable=path</c> runs another build of the gateway instead (a copy of its output folder), to compare a change.</param>
    public static Task<ChildProcess> StartAsync(Uri trivialUpstream, string serviceName = "gateway-2", IReadOnlyList<string>? settings = null)
    {
        var (executable, environment) = RunningGateway();
        var overrides = (settings ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : "", StringComparer.Ordinal);
        if (overrides.Remove("executable", out var otherBuild))
        {
            executable = otherBuild;
        }
        var url = ChildProcess.LoopbackUrl(ChildProcess.FreePort());
        // Started from its own folder, where its appsettings.json (the routes) is.
        var start = new ProcessStartInfo(executable) { WorkingDirectory = Path.GetDirectoryName(executable)! };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("HTTP_PORTS");
        start.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        start.Environment["MANAGEMENT_PORT"] = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["OTEL_SERVICE_NAME"] = serviceName;
        start.Environment["ReverseProxy__Clusters__scans__Destinations__scans__Address"] = trivialUpstream.ToString();
        foreach (var (name, value) in overrides)
        {
            start.Environment[name] = value;
        }

        return ChildProcess.StartAsync(start, url, "/health", "The second gateway", TimeSpan.FromMinutes(1));
    }

    /// <summary>The running gateway's executable and environment (this harness runs as the same user).</summary>
    private static (string Executable, IReadOnlyList<(string Name, string Value)> Environment) RunningGateway()
    {
        foreach (var pid in ProcFiles.Pids())
        {
            var executable = ProcFiles.Read(pid, "cmdline")?.Split('\0')[0] ?? "";
            if (executable.EndsWith("/TrustedOss.Gateway", StringComparison.Ordinal) && ProcFiles.Read(pid, "environ") is { } environ)
            {
                var environment = environ.Split('\0', StringSplitOptions.RemoveEmptyEntries)
                    .Select(v => v.Split('=', 2)).Where(v => v.Length == 2).Select(v => (v[0], v[1])).ToList();
                return (executable, environment);
            }
        }

        throw new InvalidOperationException("No running gateway was found.");
    }
}
