using System.Globalization;
using System.Net;

namespace TrustedOss.ReadLoad;

/// <summary>
/// Scan triggers under load, then the check that none was lost or doubled: every accepted
/// trigger's scan id is distinct, one was recorded for each 200 wrk counted, and each scan is
/// there to be read through the API.
/// </summary>
internal static class Triggers
{
    /// <summary>
    /// Long enough for the runtime to finish compiling the trigger's and the runner's code: perf put
    /// the Scan service's background compiler at an eighth of the machine 12 to 27 s into the
    /// earlier 5 s warm-up's rounds, work a long-running service has long done.
    /// </summary>
    public const int WarmUpSeconds = 20;

    /// <param name="Answered200">the 200s counted, wrk's (warm-up included) and the fixed-rate rounds'.</param>
    /// <param name="Recorded">the scan ids recorded from those answers.</param>
    /// <param name="AtRate">the rounds at <see cref="TargetPerSecond"/>, sent on a fixed schedule.</param>
    /// <param name="Refused">each kind of answer but a 200, with its count: by status, problem title and detail.</param>
    public sealed record Outcome(
        IReadOnlyList<WrkResult> Rounds, IReadOnlyList<RateResult> AtRate, long Answered200, int Recorded, int Distinct, int Readable,
        IReadOnlyDictionary<string, int> Refused);

    /// <summary>The rate the target names (500 accepted a second, p99 within 50 ms): its latency is measured at it.</summary>
    public const int TargetPerSecond = 500;

    public static async Task<Outcome> MeasureAsync(
        Uri url, IReadOnlyList<string> authorizations, int seconds, int connections, int rounds, string work, HttpClient admin)
    {
        var acceptedIds = Path.Combine(work, "accepted-scans.txt");
        var warmUp = await Wrk.TriggerAsync(url, authorizations, WarmUpSeconds, connections, work, acceptedIds);
        var results = new List<WrkResult>();
        for (var round = 1; round <= rounds; round++)
        {
            var result = await Wrk.TriggerAsync(url, authorizations, seconds, connections, work, acceptedIds);
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: POST /v1/projects/{{id}}/scans: {result.RequestsPerSecond:0} requests/s, p50 {result.P50Ms:0.0} ms, p99 {result.P99Ms:0.0} ms, {result.Failed} not 2xx"));
        }

        var atRate = new List<RateResult>();
        for (var round = 1; round <= rounds; round++)
        {
            var result = await FixedRate.TriggerAsync(url, authorizations, TargetPerSecond, seconds, acceptedIds);
            atRate.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: POST /v1/projects/{{id}}/scans at {TargetPerSecond}/s: {result.Accepted} of {result.Sent} accepted, p50 {result.P50Ms:0.0} ms, p99 {result.P99Ms:0.0} ms, max {result.MaxMs:0.0} ms"));
        }

        var ids = (await File.ReadAllLinesAsync(acceptedIds)).Select(Guid.Parse).ToList();
        var distinct = ids.Distinct().ToList();
        var readable = 0;
        await Parallel.ForEachAsync(distinct, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, cancellationToken) =>
        {
            using var response = await admin.GetAsync($"/v1/scans/{id}", cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref readable);
            }
        });

        var answered200 = results.Append(warmUp).Sum(r => r.Requests - r.Failed) + atRate.Sum(r => r.Accepted);
        var refused = File.Exists($"{acceptedIds}.refused") ? await File.ReadAllLinesAsync($"{acceptedIds}.refused") : [];
        return new Outcome(results, atRate, answered200, ids.Count, distinct.Count, readable,
            refused.Concat(atRate.SelectMany(r => r.Failures.SelectMany(f => Enumerable.Repeat(f.Key, f.Value))))
                .GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count()));
    }
}
