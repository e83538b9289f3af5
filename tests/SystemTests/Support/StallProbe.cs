using System.Diagnostics;
using System.Net;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// Clients that keep calling the gateway while a server is paused, each with a client's patience
/// (a request unanswered after <see cref="Patience"/> counts as hung), and what each call got.
/// </summary>
internal sealed class StallProbe
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public sealed record Call(string Caller, DateTimeOffset StartedAt, TimeSpan Took, HttpStatusCode? Status, bool RetryAfter, string? Error, object? Tag);

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
                        call = new Call(caller, startedAt, clock.Elapsed, response.StatusCode, response.Headers.RetryAfter is not null, null, tag);
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
