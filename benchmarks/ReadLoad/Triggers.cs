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

    /// <param name="Answered200">the 200s wrk counted, warm-up included.</param>
    /// <param name="Recorded">the scan ids recorded from those answers.</param>
    public sealed record Outcome(IReadOnlyList<WrkResult> Rounds, long Answered200, int Recorded, int Distinct, int Readable);

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

        var answered200 = results.Append(warmUp).Sum(r => r.Requests - r.Failed);
        return new Outcome(results, answered200, ids.Count, distinct.Count, readable);
    }
}
