using System.Net;
using System.Text.RegularExpressions;

namespace TrustedOss.Scans.Running.Egress;

/// <summary>
/// Where git would connect for a repository URL: its transport, host and port. Only URLs of the
/// shapes a project may have (<see cref="Contracts.GitUrl"/>) reach here.
/// </summary>
public sealed partial record RepositoryTarget(string Transport, string Host, int Port)
{
    public const string Https = "https";
    public const string Ssh = "ssh";
    public const string File = "file";

    public bool IsNetwork => Transport != File;

    /// <summary>The host as an address when the URL names one (https://127.0.0.1/…, ssh://[::1]/…).</summary>
    public IPAddress? Literal => IPAddress.TryParse(Host, out var address) ? address : null;

    public static RepositoryTarget? Parse(string url)
    {
        if (ScpLike().Match(url) is { Success: true } scp)
        {
            return new RepositoryTarget(Ssh, scp.Groups["host"].Value, 22);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        // DnsSafeHost drops an IPv6 literal's brackets; the host must be a plain name or address,
        // because it is handed to ssh and curl as an option value.
        var host = uri.DnsSafeHost;
        return uri.Scheme switch
        {
            "file" => new RepositoryTarget(File, "", 0),
            "https" when SafeHost(host) => new RepositoryTarget(Https, host, uri.IsDefaultPort ? 443 : uri.Port),
            "ssh" when SafeHost(host) => new RepositoryTarget(Ssh, host, uri.Port is > 0 and var port ? port : 22),
            _ => null,
        };
    }

    private static bool SafeHost(string host) => IPAddress.TryParse(host, out _) || HostName().IsMatch(host);

    [GeneratedRegex(@"^[A-Za-z0-9._-]+@(?<host>[A-Za-z0-9.-]+):[A-Za-z0-9._/~-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
