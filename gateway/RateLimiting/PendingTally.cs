namespace TrustedOss.Gateway.RateLimiting;

/// <summary>
/// A tally waiting to have its counts sent to Redis, since its first unsent count. Sent once it has
/// waited <see cref="HoldMs"/>, so that a busy key's counts go in one command rather than one per
/// request (a key read ten times a second sends about five at once); sooner when its window is
/// about to end, so its counts reach the window they belong to.
/// </summary>
internal readonly record struct PendingTally(WindowTally Tally, long QueuedAtMs)
{
    /// <summary>
    /// How long counts wait here at most (plus one flush interval). Well within
    /// <see cref="WindowTally.MaxStalenessMs"/>: the flush that sends them refreshes the tally's
    /// total before the one it holds is too old to count on, so a steady key stays counted here.
    /// </summary>
    public const long HoldMs = 500;

    public bool DueBy(long nowMs) => nowMs - QueuedAtMs >= HoldMs || Tally.EndsAtMs - nowMs <= HoldMs;
}
