using System.Globalization;
using System.Net;
using TrustedOss.WebhookLoad;

// usage: WebhookLoad <gateway url> <repository file:// url> [seconds per phase] [concurrency]
var gateway = new Uri(args[0]);
var repository = args[1];
var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;

var setup = await Setup.ProjectWithWebhookAsync(gateway, repository);
Console.WriteLine($"project {setup.ProjectId}, {seconds} s per phase, {concurrency} senders, each from its own loopback address");

Func<long, HttpRequestMessage> unsigned = _ => Delivery.Unsigned();
Func<long, HttpRequestMessage> ping = _ => Delivery.Signed(setup.Secret, "ping", Delivery.Ping(repository), $"ping-{Guid.NewGuid()}");

// Every path warmed up first (the runtime compiles hot code again, optimised, after its first
// thousands of calls), so the phases measure the steady state. Pushes share the pings' path up
// to the outbox, and each warm-up push would leave a scan running into the measured phases.
await Phase.RunAsync("warm-up: unsigned delivery", gateway, 5, concurrency, unsigned, HttpStatusCode.BadRequest);
await Phase.RunAsync("warm-up: verified ping", gateway, 5, concurrency, ping, HttpStatusCode.OK);

// Baseline, same run: a delivery refused at its headers travels gateway → Webhook-Ingest and back, no database.
var baseline = await Phase.RunAsync("baseline: unsigned delivery (400)", gateway, seconds, concurrency, unsigned, HttpStatusCode.BadRequest);
var pings = await Phase.RunAsync("verified ping (stored, ignored)", gateway, seconds, concurrency, ping, HttpStatusCode.OK);
var pushes = await Phase.RunAsync("verified push (stored, scan enqueued)", gateway, seconds, concurrency,
    n => Delivery.Signed(setup.Secret, "push", Delivery.Push(repository, $"load-{n}"), $"push-{Guid.NewGuid()}"), HttpStatusCode.OK, sampleScans: true);

Console.WriteLine();
Console.WriteLine("| phase | accepted | per second | ratio to baseline | p50 ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var phase in new[] { baseline, pings, pushes })
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {phase.Name} | {phase.Count} | {phase.PerSecond:F0} | {phase.PerSecond / baseline.PerSecond:F2} | {phase.Percentile(0.50):F1} | {phase.Percentile(0.99):F1} |"));
}

var scanDelays = await ScanCreation.MeasureAsync(gateway, setup.Token, pushes.SampledScans);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"\ndelivery answered → scan visible, {scanDelays.Count} sampled deliveries: p50 {ScanCreation.Percentile(scanDelays, 0.5):F0} ms, p99 {ScanCreation.Percentile(scanDelays, 0.99):F0} ms"));
