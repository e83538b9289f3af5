using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace TrustedOss.ReadLoad;

/// <summary>One fixed-rate run: what was sent, what came back, and the answers' times.</summary>
internal sealed record RateResult(int Sent, int Accepted, IReadOnlyDictionary<string, int> Failures, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// Scan triggers sent on a fixed schedule, whatever the answers (an open loop, unlike wrk's
/// connections that each wait for their answer): each is timed from when it was due, so a stall
/// counts in full for every request it held up instead of slowing the senders down. The latency
/// at a given rate, which is what a target of "N a second with p99 under M" asks.
/// </summary>
internal static class FixedRate
{
    public static async Task<RateResult> TriggerAsync(Uri url, IReadOnlyList<string> authorizations, int perSecond, int seconds, string acceptedIds)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var run = Guid.NewGuid().ToString("N");
        var total = perSecond * seconds;
        var latencies = new double[total];
        var outcomes = new string[total];
        var accepted = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            if (due - clock.Elapsed is { TotalMilliseconds: > 1 } wait)
            {
                await Task.Delay(wait);
            }

            sends.Add(SendAsync(i, due));
        }

        await Task.WhenAll(sends);
        await File.AppendAllLinesAsync(acceptedIds, accepted);
        Array.Sort(latencies);
        return new RateResult(total, accepted.Count,
            outcomes.Where(o => o != "200").GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count()),
            latencies[(int)Math.Ceiling(0.50 * total) - 1], latencies[(int)Math.Ceiling(0.99 * total) - 1], latencies[^1]);

        async Task SendAsync(int i, TimeSpan due)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent($$"""{"kind":"source","ref":"rate-{{run}}-{{i}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", authorizations[i % authorizations.Count]);
            try
            {
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    outcomes[i] = "200";
                    using var scan = JsonDocument.Parse(body);
                    accepted.Enqueue(scan.RootElement.GetProperty("id").GetString()!);
                }
                else
                {
                    outcomes[i] = $"{(int)response.StatusCode} {Problem(body)}";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                outcomes[i] = "no answer";
            }

            latencies[i] = (clock.Elapsed - due).TotalMilliseconds;
        }
    }

    /// <summary>A problem's title and detail, which tell one refusal from another; nothing for another body.</summary>
    private static string Problem(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                ? $"{Text(problem, "title")}: {Text(problem, "detail")}"
                : "";
        }
        catch (JsonException)
        {
            return "";
        }

        static string Text(JsonDocument problem, string name) =>
            problem.RootElement.TryGetProperty(name, out var value) ? value.ToString() : "";
    }
}
