using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// Clients that keep calling the gateway while a server is paused or restarted, each with a client's patience
/// (a request unanswered after <see cref="Patience"/> counts as hung), and what each call got.
/// </summary>
internal sealed class StallProbe
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public sealed record Call(string Caller, DateTimeOffset StartedAt, TimeSpan Took, HttpStatusCode? Status, bool RetryAfter, string? Error, object? Tag)
    {
        /// <summary>Whether the answer carried both RateLimit headers.</summary>
        public bool RateLimitHeaders { get; init; }
    }

    private readonly List<Call> calls = [];
    private readonly List<Task> loops = [];
    private readonly List<HttpClient> clients = [];
    private readonly CancellationTokenSource stop = new();

    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>Calls <paramref name="send"/> with <paramref name="client"/> (the probe disposes it) every <paramref name="interval"/> until stopped.</summary>
    public void Add(string caller, HttpClient client, TimeSpan interval, Func<HttpClient, CancellationToken, Task<(HttpResponseMessage Response, object? Tag)>> send)
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        clients.Add(client);
        loops.Add(Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var startedAt = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                using var patience = new CancellationTokenSource(Patience);
                Call call;
                try
                {
                    var (response, tag) = await send(client, patience.Token);
                    using (response)
                    {
                        await response.Content.LoadIntoBufferAsync(patience.Token);
                        call = new Call(caller, startedAt, clock.Elapsed, response.StatusCode, response.Headers.RetryAfter is not null, null, tag)
                        {
                            RateLimitHeaders = response.Headers.Contains("RateLimit-Policy") && response.Headers.Contains("RateLimit"),
                        };
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    call = new Call(caller, startedAt, clock.Elapsed, null, false, ex is OperationCanceledException ? "no answer within patience" : ex.Message, null);
                }

                lock (calls)
                {
                    calls.Add(call);
                }

                await Task.Delay(interval, CancellationToken.None);
            }
        }));
    }

    /// <summary>A GET of the scan: the pipeline's poll.</summary>
    public static Func<HttpClient, CancellationToken, Task<(HttpResponseMessage, object?)>> Poll(Guid scanId) =>
        async (client, ct) => (await client.GetAsync($"/v1/scans/{scanId}", ct), null);

    /// <summary>
    /// What an outage may cost: every call got a 200 or a 503 with Retry-After (no hang, no other
    /// error), and from <paramref name="fullServiceAt"/> on every call got a 200, with each caller
    /// still calling by then.
    /// </summary>
    public static void AssertOnlyRetryableRefusals(IReadOnlyList<Call> calls, DateTimeOffset fullServiceAt)
    {
        var wrong = calls.Where(c => !(c.Status == HttpStatusCode.OK || (c.Status == HttpStatusCode.ServiceUnavailable && c.RetryAfter))).ToList();
        Assert.True(wrong.Count == 0, $"Only 200s and 503s with Retry-After were expected; got {Describe(wrong)}");
        var late = calls.Where(c => c.StartedAt >= fullServiceAt && c.Status != HttpStatusCode.OK).ToList();
        Assert.True(late.Count == 0, $"Full service was expected from {fullServiceAt:HH:mm:ss.fff}; got {Describe(late)}");
        foreach (var caller in calls.Select(c => c.Caller).Distinct())
        {
            Assert.True(calls.Any(c => c.Caller == caller && c.StartedAt >= fullServiceAt),
                $"{caller} made no call from {fullServiceAt:HH:mm:ss.fff} on; its last: {Describe(calls.Where(c => c.Caller == caller).TakeLast(3))}");
        }
    }

    private static string Describe(IEnumerable<Call> calls) =>
        string.Join("; ", calls.Take(10).Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.Caller} at {c.StartedAt:HH:mm:ss.fff}: {(c.Status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : c.Error)} after {c.Took.TotalMilliseconds:F0} ms")));

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var client in clients)
        {
            client.Dispose();
        }

        stop.Dispose();
    }
}
