namespace TrustedOss.Gateway.RateLimiting;

/// <summary>
/// One counter's current window as this replica sees it: the total Redis last reported (every
/// replica's counts), the counts sent and not yet answered, and the counts not yet sent. It decides
/// whether a request may be counted here, which costs nothing, or must be counted in Redis before
/// it goes on: only far enough below the limit that other replicas' unsent counts cannot cross it,
/// with few enough unsent, and recently enough in step with Redis. Near the limit every request is
/// counted in Redis, so a limit is enforced exactly where it matters.
/// </summary>
internal sealed class WindowTally(string redisKey, long endsAtMs)
{
    /// <summary>At most this many counts wait here unsent; the next is counted in Redis with them.</summary>
    public const int MaxUnsent = 16;

    /// <summary>Counted here only if Redis's total is at most this old (each flush refreshes it).</summary>
    public const long MaxStalenessMs = 1_000;

    private readonly Lock gate = new();
    private long known;
    private int inFlight;
    private int unsent;
    private long syncedAtMs = long.MinValue;

    /// <summary>The window's counter in Redis.</summary>
    public string RedisKey => redisKey;

    /// <summary>When the window ends (Unix milliseconds); counts for it are not sent after that.</summary>
    public long EndsAtMs => endsAtMs;

    /// <summary>
    /// Counts one request here when that is safe and returns the window's estimated total with it;
    /// null when the request must be counted in Redis (<see cref="Take"/>). <paramref name="firstUnsent"/>
    /// is set when this count is the first waiting to be sent, so the caller queues the tally once.
    /// </summary>
    public long? TryCount(int limit, long nowMs, out bool firstUnsent)
    {
        lock (gate)
        {
            var estimate = known + inFlight + unsent + 1;
            if (unsent >= MaxUnsent || nowMs > syncedAtMs + MaxStalenessMs || estimate + Headroom(limit) > limit)
            {
                firstUnsent = false;
                return null;
            }

            unsent++;
            firstUnsent = unsent == 1;
            return estimate;
        }
    }

    /// <summary>Takes the unsent counts, plus <paramref name="extra"/> of the caller's, to be sent to Redis now.</summary>
    public int Take(int extra)
    {
        lock (gate)
        {
            var sending = unsent + extra;
            unsent = 0;
            inFlight += sending;
            return sending;
        }
    }

    /// <summary>Redis counted <paramref name="sent"/> and answered with the window's total.</summary>
    public void Settled(int sent, long total, long nowMs)
    {
        lock (gate)
        {
            inFlight -= sent;
            // Answers may arrive out of order; the largest total is the latest.
            known = Math.Max(known, total);
            syncedAtMs = nowMs;
        }
    }

    /// <summary>
    /// Sending failed: the counts are dropped (a limiter outage lets requests through uncounted). A
    /// command that timed out may still have counted in Redis, so the total here is no longer
    /// trusted: the next request is counted in Redis.
    /// </summary>
    public void Lost(int sent)
    {
        lock (gate)
        {
            inFlight -= sent;
            syncedAtMs = long.MinValue;
        }
    }

    /// <summary>Nothing waits to be sent or answered.</summary>
    public bool Idle
    {
        get
        {
            lock (gate)
            {
                return unsent == 0 && inFlight == 0;
            }
        }
    }

    /// <summary>
    /// How far below the limit counting stays here: a tenth of it, and at least what two other
    /// replicas could hold unsent. Below it the limit cannot be crossed unseen unless other replicas
    /// count more than that for the same counter within one flush.
    /// </summary>
    private static int Headroom(int limit) => Math.Max(limit / 10, 2 * MaxUnsent);
}
