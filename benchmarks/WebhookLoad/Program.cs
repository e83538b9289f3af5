using System.Globalization;
using System.Net;
using TrustedOss.WebhookLoad;

// usage: WebhookLoad <gateway url> <repository file:// url> [seconds per phase] [concurrency] [rounds]
var gateway = new Uri(args[0]);
var repository = args[1];
var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
const int PushWarmUpSeconds = 40;

var setup = await Setup.ProjectWithWebhookAsync(gateway, repository);
Console.WriteLine($"project {setup.ProjectId}, {seconds} s per phase, {concurrency} senders, each from its own loopback address, {rounds} rounds");

Func<long, HttpRequestMessage> unsigned = _ => Delivery.Unsigned();
Func<long, HttpRequestMessage> ping = _ => Delivery.Signed(setup.Secret, "ping", Delivery.Ping(repository), $"ping-{Guid.NewGuid()}");
// Each push names a branch of its own: none meets an earlier push's scan still queued (skipped_active_scan).
Func<long, HttpRequestMessage> push = _ => Delivery.Signed(setup.Secret, "push", Delivery.Push(repository, $"load-{Guid.NewGuid():N}"), $"push-{Guid.NewGuid()}");

// Every path warmed up first (the runtime compiles hot code again, optimised, after its first
// thousands of calls, and keeps at it for seconds after a new path starts), so the phases measure
// the steady state.
await Phase.RunAsync("warm-up: unsigned delivery", gateway, 10, concurrency, unsigned, HttpStatusCode.BadRequest);
await Phase.RunAsync("warm-up: verified ping", gateway, 10, concurrency, ping, HttpStatusCode.OK);

// Baseline, same run, interleaved with the pings: a delivery refused at its headers travels
// gateway → Webhook-Ingest and back, no database.
var baselines = new List<Phase>();
var pings = new List<Phase>();
for (var round = 1; round <= rounds; round++)
{
    baselines.Add(await Phase.RunAsync($"round {round}: baseline: unsigned delivery (400)", gateway, seconds, concurrency, unsigned, HttpStatusCode.BadRequest));
    pings.Add(await Phase.RunAsync($"round {round}: verified ping (stored, ignored)", gateway, seconds, concurrency, ping, HttpStatusCode.OK));
}

// Pushes last: each leaves a scan that runs after it, into whatever is measured next. Their
// warm-up's scans are still running when the measured rounds start, as they would be in a steady
// stream. The warm-up is longer than the others': a push starts thousands of methods in the Scan
// service (consuming, queueing, the outbox, the runner), which the runtime compiles again,
// optimised, for most of a minute (docs/benchmarks.md).
await Phase.RunAsync("warm-up: verified push", gateway, PushWarmUpSeconds, concurrency, push, HttpStatusCode.OK);
var pushRounds = new List<Phase>();
for (var round = 1; round <= rounds; round++)
{
    pushRounds.Add(await Phase.RunAsync($"round {round}: verified push (stored, scan enqueued)", gateway, seconds, concurrency, push, HttpStatusCode.OK, sampleScans: true));
}

var pushes = Median(pushRounds);

var baseline = Median(baselines);
Console.WriteLine();
Console.WriteLine($"Medians of {rounds} rounds (the round whose requests/s is the median):");
Console.WriteLine("| phase | accepted | per second | ratio to baseline | p50 ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var phase in new[] { baseline, Median(pings), pushes })
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {phase.Name} | {phase.Count} | {phase.PerSecond:F0} | {phase.PerSecond / baseline.PerSecond:F2} | {phase.Percentile(0.50):F1} | {phase.Percentile(0.99):F1} |"));
}

var scanDelays = await ScanCreation.MeasureAsync(gateway, setup.Token, pushes.SampledScans);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"\ndelivery answered → scan visible, {scanDelays.Count} sampled deliveries: p50 {ScanCreation.Percentile(scanDelays, 0.5):F0} ms, p99 {ScanCreation.Percentile(scanDelays, 0.99):F0} ms"));

static Phase Median(List<Phase> phases) => phases.OrderBy(p => p.PerSecond).ElementAt(phases.Count / 2);
