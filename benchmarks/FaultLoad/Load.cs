using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TrustedOss.FaultLoad;

/// <summary>
/// The CI paths under load until stopped: many concurrent polls of a scan, each with the next of
/// the prepared keys (so none reaches its own limit), and a steady stream of scan triggers, each
/// for a ref of its own. Every answer is recorded, and every trigger answered 200 keeps its scan id.
/// </summary>
internal sealed class Load : IAsyncDisposable
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private readonly HttpClient client;
    private readonly List<Task> loops = [];
    private long next;

    public Load(Uri gateway, Guid projectId, Guid scanId, IReadOnlyList<string> keys, int pollers, int triggerers, TimeSpan triggerPause)
    {
        client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = pollers + triggerers })
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromSeconds(15),
        };
        for (var i = 0; i < pollers; i++)
        {
            loops.Add(Task.Run(() => RunAsync(keys, _ => new HttpRequestMessage(HttpMethod.Get, $"/v1/scans/{scanId}"), trigger: false, TimeSpan.Zero)));
        }

        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < triggerers; i++)
        {
            loops.Add(Task.Run(() => RunAsync(keys, n => new HttpRequestMessage(HttpMethod.Post, $"/v1/projects/{projectId}/scans")
            {
                Content = JsonContent.Create(new { kind = "source", @ref = $"fault-{run}-{n}" }),
            }, trigger: true, triggerPause)));
        }
    }

    public ConcurrentQueue<Answer> Answers { get; } = new();

    public ConcurrentQueue<Guid> AcceptedScans { get; } = new();

    public TimeSpan Elapsed => clock.Elapsed;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        client.Dispose();
        stop.Dispose();
    }

    private async Task RunAsync(IReadOnlyList<string> keys, Func<long, HttpRequestMessage> request, bool trigger, TimeSpan pause)
    {
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref next);
            using var message = request(n);
            message.Headers.Authorization = new("Bearer", keys[(int)(n % keys.Count)]);
            // A request once sent is seen to its answer, even when the load stops: an accepted
            // trigger's scan id must not be missed.
            try
            {
                using var response = await client.SendAsync(message, CancellationToken.None);
                if (trigger && response.StatusCode == HttpStatusCode.OK)
                {
                    var scan = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                    AcceptedScans.Enqueue(scan.GetProperty("id").GetGuid());
                }

                Answers.Enqueue(new Answer(clock.Elapsed, trigger, (int)response.StatusCode, response.Headers.RetryAfter is not null));
            }
            catch (Exception)
            {
                // No answer, or one that could not be read: counted as no answer, and the load goes on.
                Answers.Enqueue(new Answer(clock.Elapsed, trigger, 0, false));
            }

            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, CancellationToken.None);
            }
        }
    }
}
