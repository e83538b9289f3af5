namespace TrustedOss.Scans.Running;

/// <summary>
/// Which scans queued past their lease count as never started. A scan's request has gone out (it
/// is not in the outbox) and is then waiting in the queue (a backlog longer than the lease), held
/// by a runner (about to start the scan, or retrying while the database is down), or lost (an
/// error queue). A scan counts only when two looks, <paramref name="settle"/> apart, each found it
/// queued with no request waiting: not waiting at the first, and no runner that held it started
/// it in time for its retries (one every <c>Messaging:OutageRetryMaxInterval</c> at most) to reach
/// the database. Each replica keeps its own sightings: bounded by the scans still queued (the
/// reaper reads at most a batch), and lost with the process, which only delays their end.
/// </summary>
internal sealed class NeverStartedWatch(TimeSpan settle)
{
    private readonly Dictionary<Guid, DateTimeOffset> firstSeen = [];

    /// <param name="queued">The scans queued past their lease, their requests gone out: read before the queue was looked at.</param>
    /// <param name="noneWaiting">Whether that look found no request waiting.</param>
    /// <param name="now">When it looked.</param>
    /// <returns>The scans to fail as never started.</returns>
    public IReadOnlyList<Guid> Due(IReadOnlyCollection<Guid> queued, bool noneWaiting, DateTimeOffset now)
    {
        // Started, or failed by another replica: forgotten.
        foreach (var id in firstSeen.Keys.Except(queued).ToList())
        {
            firstSeen.Remove(id);
        }

        if (!noneWaiting)
        {
            return [];
        }

        foreach (var id in queued)
        {
            firstSeen.TryAdd(id, now);
        }

        return [.. queued.Where(id => now - firstSeen[id] >= settle)];
    }
}
