using System.Globalization;
using TrustedOss.ReadLoad;

// usage: ReadLoad <gateway url> <repository url> [seconds per round] [connections] [rounds]
// (ReadLoad raw-yarp <upstream url> <listen url>: the raw YARP baseline of its own process, started by the run.)
if (args is [StandaloneYarp.Argument, var upstream, var listenUrl])
{
    await StandaloneYarp.RunAsync(upstream, listenUrl);
    return;
}

var gateway = new Uri(args[0]);
var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15;
var connections = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
var work = Directory.CreateTempSubdirectory("trustedoss-read-load-").FullName;

// Idle: after start, before any request but the health checks.
var idle = Memory.Read();

// Enough keys that, at 10,000 requests/s, none passes its 600 reads a minute.
var prepared = await Setup.PrepareAsync(gateway, args[1], keyCount: 1000);
await using var baselines = await Baselines.StartAsync();
await using var standaloneYarp = await StandaloneYarp.StartAsync(baselines.Direct);
await using var second = await SecondGateway.StartAsync(baselines.Direct);
// The last 20 keys are kept out of the load, to be revoked at the end.
var revocable = prepared.Keys.TakeLast(20).ToList();
var bearerKeys = prepared.Keys.SkipLast(20).Select(k => $"Bearer {k.Key}").ToList();
// READ_LOAD_GATEWAY_VARIANT ("NAME=value NAME=value; NAME=value …"): for each set, a gateway that is the
// second's twin with these settings (executable=path: another build of it), measured beside it in
// the same rounds, to compare a setting or a change against the same baseline.
List<ChildProcess> variants = [];
List<(string Name, Uri Url, IReadOnlyList<string> Authorizations)> variantPaths = [];
foreach (var set in (Environment.GetEnvironmentVariable("READ_LOAD_GATEWAY_VARIANT") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
{
    var settings = set.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    var variant = await SecondGateway.StartAsync(baselines.Direct, $"gateway-variant-{variants.Count + 1}", settings);
    variants.Add(variant);
    variantPaths.Add(($"gateway alone with {set}: GET /v1/scans/{{id}}, project key, to the bare endpoint", new Uri(variant.Url, $"/v1/scans/{prepared.ScanId}"), bearerKeys));
}

var all = new (string Name, Uri Url, IReadOnlyList<string> Authorizations)[]
{
    ("Kestrel endpoint, direct", new Uri(baselines.Direct, "/ok"), []),
    ("raw YARP passthrough (baseline)", new Uri(baselines.Yarp, "/ok"), []),
    // Apart from the endpoint, as the gateway is: the crossing between processes, without the gateway's work.
    ("raw YARP passthrough, a process of its own", new Uri(standaloneYarp.Url, "/ok"), []),
    ("GET /v1/scans/{id}, project key", new Uri(gateway, $"/v1/scans/{prepared.ScanId}"), bearerKeys),
    ("gateway alone: GET /v1/scans/{id}, project key, to the bare endpoint", new Uri(second.Url, $"/v1/scans/{prepared.ScanId}"), bearerKeys),
    // The same with a person's token: what validating a JWT costs the gateway, against checking a key.
    ("gateway alone: GET /v1/scans/{id}, person's token, to the bare endpoint", new Uri(second.Url, $"/v1/scans/{prepared.ScanId}"), [$"Bearer {prepared.PersonToken}"]),
    ("GET /v1/api-keys/self, project key", new Uri(gateway, "/v1/api-keys/self"), bearerKeys),
    ("GET /auth/me, person's token", new Uri(gateway, "/auth/me"), [$"Bearer {prepared.PersonToken}"]),
};
all = [.. all, .. variantPaths];

// READ_LOAD_ONLY (part of a path's name, "revocation" or "scan triggers") measures that alone,
// reads beside the baseline: for profiling one path.
var only = Environment.GetEnvironmentVariable("READ_LOAD_ONLY");
bool Selected(string name) => string.IsNullOrEmpty(only) || name.Contains(only, StringComparison.Ordinal);
var paths = all.Where((p, i) => i is 1 or 2 || Selected(p.Name)).ToArray();

Console.WriteLine($"Warming up each path for 5 s; then {rounds} interleaved rounds of {seconds} s at {connections} connections.");
foreach (var (_, url, authorizations) in paths)
{
    await Wrk.RunAsync(url, authorizations, 5, connections, work);
}

var results = paths.ToDictionary(p => p.Name, _ => new List<WrkResult>());
for (var round = 1; round <= rounds; round++)
{
    foreach (var (name, url, authorizations) in paths)
    {
        var result = await Wrk.RunAsync(url, authorizations, seconds, connections, work);
        results[name].Add(result);
        Console.WriteLine($"round {round}: {name}: {result.RequestsPerSecond:0} requests/s, p50 {result.P50Ms:0.0} ms, p99 {result.P99Ms:0.0} ms, {result.Failed} not 2xx");
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

var yarp = Median(results[all[1].Name].Select(r => r.RequestsPerSecond));
var yarpApart = Median(results[all[2].Name].Select(r => r.RequestsPerSecond));
Console.WriteLine();
Console.WriteLine("| path | requests/s | p50 ms | p99 ms | ÷ raw YARP | ÷ raw YARP, own process | not 2xx |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, _, _) in paths)
{
    var runs = results[name];
    var perSecond = Median(runs.Select(r => r.RequestsPerSecond));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {perSecond:N0} | {Median(runs.Select(r => r.P50Ms)):0.0} | {Median(runs.Select(r => r.P99Ms)):0.0} | {perSecond / yarp:0.000} | {perSecond / yarpApart:0.000} | {runs.Sum(r => r.Failed)} |"));
}

using var admin = new HttpClient { BaseAddress = gateway };
admin.DefaultRequestHeaders.Authorization = new("Bearer", prepared.PersonToken);

// Revocation under load: the poll runs through the AppHost's gateway while keys are revoked;
// both replicas must refuse each revoked key.
if (Selected("revocation"))
{
    var load = Wrk.RunAsync(all[3].Url, bearerKeys, 20, connections, work);
    var revocations = await Revocation.MeasureAsync(admin, revocable, [gateway, second.Url], $"/v1/scans/{prepared.ScanId}");
    var during = await load;
    var sortedRevocations = revocations.Order().ToList();
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Revocation seen by both gateways ({revocations.Count} keys, while the poll ran at {during.RequestsPerSecond:N0} requests/s): p50 {Median(sortedRevocations):0.0} ms, p99 {sortedRevocations[(int)Math.Ceiling(0.99 * sortedRevocations.Count) - 1]:0.0} ms, max {sortedRevocations[^1]:0.0} ms"));
}

// Scan triggers: after the reads, because each accepted trigger leaves a scan for the runner.
if (Selected("scan triggers"))
{
    Console.WriteLine();
    Console.WriteLine($"Scan triggers: a {Triggers.WarmUpSeconds} s warm-up, then {rounds} rounds of {seconds} s at {connections} connections, then {rounds} sent at {Triggers.TargetPerSecond} a second, each trigger for a ref of its own.");
    var triggers = await Triggers.MeasureAsync(
        new Uri(gateway, $"/v1/projects/{prepared.ProjectId}/scans"), bearerKeys, seconds, connections, rounds, work, admin);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Scan triggers: {Median(triggers.Rounds.Select(r => r.RequestsPerSecond)):N0} accepted/s, p50 {Median(triggers.Rounds.Select(r => r.P50Ms)):0.0} ms, p99 {Median(triggers.Rounds.Select(r => r.P99Ms)):0.0} ms (medians), {triggers.Rounds.Sum(r => r.Failed)} not 200; " +
        $"{triggers.Answered200:N0} answered 200, {triggers.Recorded:N0} scan ids recorded, {triggers.Distinct:N0} distinct, {triggers.Readable:N0} readable through the API"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Scan triggers sent at {Triggers.TargetPerSecond}/s: p50 {Median(triggers.AtRate.Select(r => r.P50Ms)):0.0} ms, p99 {Median(triggers.AtRate.Select(r => r.P99Ms)):0.0} ms, max {Median(triggers.AtRate.Select(r => r.MaxMs)):0.0} ms (medians), {triggers.AtRate.Sum(r => r.Accepted):N0} of {triggers.AtRate.Sum(r => r.Sent):N0} accepted"));
    foreach (var (answer, count) in triggers.Refused)
    {
        Console.WriteLine($"  not accepted, {count} times: {answer}");
    }
}

Console.WriteLine();
Memory.Print("idle, before the load", idle);
Memory.Print("after the load", Memory.Read());
foreach (var variant in variants)
{
    await variant.DisposeAsync();
}

Directory.Delete(work, recursive: true);
