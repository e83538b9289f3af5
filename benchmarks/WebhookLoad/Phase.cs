using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace TrustedOss.WebhookLoad;

/// <summary>One load phase: <c>concurrency</c> senders, each from its own loopback address, for a fixed time.</summary>
internal sealed class Phase
{
    private readonly List<double> latencies;

    private Phase(string name, List<double> latencies, double seconds, IReadOnlyList<(Guid ScanId, DateTime AnsweredAt)> sampledScans)
    {
        Name = name;
        this.latencies = latencies;
        PerSecond = latencies.Count / seconds;
        SampledScans = sampledScans;
    }

    public string Name { get; }

    public int Count => latencies.Count;

    public double PerSecond { get; }

    /// <summary>Every 50th enqueued delivery's scan id and when its answer came (UTC, this machine's clock, as the server's).</summary>
    public IReadOnlyList<(Guid ScanId, DateTime AnsweredAt)> SampledScans { get; }

    public double Percentile(double p) => latencies.Count == 0 ? 0 : latencies.Order().ElementAt((int)Math.Min(latencies.Count - 1, p * latencies.Count));

    public static async Task<Phase> RunAsync(
        string name, Uri gateway, int seconds, int concurrency, Func<long, HttpRequestMessage> request, HttpStatusCode expected, bool sampleScans = false)
    {
        var latencies = new ConcurrentBag<double>();
        var sampled = new ConcurrentBag<(Guid, DateTime)>();
        long sent = 0, unexpected = 0;
        var until = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
        var senders = Enumerable.Range(0, concurrency).Select(async sender =>
        {
            using var client = Client(gateway, sender);
            while (Stopwatch.GetTimestamp() < until)
            {
                var n = Interlocked.Increment(ref sent);
                using var message = request(n);
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(message);
                var answered = Stopwatch.GetTimestamp();
                if (response.StatusCode != expected)
                {
                    Interlocked.Increment(ref unexpected);
                    continue;
                }

                latencies.Add(Stopwatch.GetElapsedTime(started, answered).TotalMilliseconds);
                if (sampleScans && n % 50 == 0
                    && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("scan_id") is { ValueKind: JsonValueKind.String } scan)
                {
                    sampled.Add((scan.GetGuid(), DateTime.UtcNow - Stopwatch.GetElapsedTime(answered)));
                }
            }
        });
        await Task.WhenAll(senders);
        Console.WriteLine($"{name}: {latencies.Count} as expected, {unexpected} not");
        return new Phase(name, [.. latencies], seconds, [.. sampled]);
    }

    /// <summary>A client whose connections come from 127.3.x.y: the gateway limits deliveries per address, as GitHub's many senders are.</summary>
    private static HttpClient Client(Uri gateway, int sender)
    {
        var local = new IPAddress([127, 3, (byte)(sender / 250), (byte)(1 + (sender % 250))]);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = gateway };
    }
}
