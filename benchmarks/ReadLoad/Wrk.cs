using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TrustedOss.ReadLoad;

/// <summary>One wrk run's figures.</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Failed);

/// <summary>
/// Runs wrk (one thread, as many connections as asked) against a URL, each request carrying the
/// next of the given Authorization values in turn (a Lua script), and reads its summary.
/// </summary>
internal static partial class Wrk
{
    /// <summary>GET requests.</summary>
    public static Task<WrkResult> RunAsync(Uri url, IReadOnlyList<string> authorizations, int seconds, int connections, string work) =>
        RunScriptAsync(url, authorizations, seconds, connections, work, """
            request = function()
              return wrk.format("GET", nil, next_headers())
            end
            """);

    /// <summary>
    /// Scan triggers, each for a ref of its own (so no trigger meets a queued scan of its ref), every
    /// accepted scan's id appended to <paramref name="acceptedIds"/>, one a line (and each other
    /// answer's status, problem title and detail to the same name with ".refused" added).
    /// </summary>
    public static Task<WrkResult> TriggerAsync(Uri url, IReadOnlyList<string> authorizations, int seconds, int connections, string work, string acceptedIds) =>
        RunScriptAsync(url, authorizations, seconds, connections, work, $$"""
            local run = "{{Guid.NewGuid():N}}"
            local triggered = 0
            local accepted = io.open("{{acceptedIds}}", "a")
            accepted:setvbuf("line")
            request = function()
              triggered = triggered + 1
              local headers = next_headers()
              headers["Content-Type"] = "application/json"
              return wrk.format("POST", nil, headers, string.format('{"kind":"source","ref":"load-%s-%d"}', run, triggered))
            end
            local refused = io.open("{{acceptedIds}}.refused", "a")
            refused:setvbuf("line")
            response = function(status, headers, body)
              if status == 200 then accepted:write(body:match('^{"id":"([^"]+)"'), "\n")
              else refused:write(status, " ", body:match('"title":"([^"]*)"') or "", ": ", body:match('"detail":"([^"]*)"') or "", "\n") end
            end
            """);

    private static async Task<WrkResult> RunScriptAsync(Uri url, IReadOnlyList<string> authorizations, int seconds, int connections, string work, string requests)
    {
        var values = Path.Combine(work, $"authorizations-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(values, authorizations);
        var script = Path.Combine(work, $"script-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, $$"""
            local values = {}
            for line in io.lines("{{values}}") do values[#values + 1] = line end
            local next = 0
            next_headers = function()
              local headers = {}
              if #values > 0 then
                next = next % #values + 1
                headers["Authorization"] = values[next]
              end
              return headers
            end
            {{requests}}
            """);

        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t1", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, url.ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk could not be started.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
        }

        return new WrkResult(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Milliseconds(Percentile(50).Match(output)),
            Milliseconds(Percentile(99).Match(output)),
            long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            NonSuccess().Match(output) is { Success: true } failed ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    private static Regex Percentile(int percent) => new($@"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);

    private static double Milliseconds(Match match)
    {
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
