using TrustedOss.Gateway.RateLimiting;

namespace TrustedOss.Gateway.Tests;

/// <summary>When a counter's counts, waiting in the gateway, are sent to Redis (<see cref="PendingTally"/>).</summary>
public sealed class PendingTallyTests
{
    private const long Queued = 1_000_000;

    [Fact]
    public void Counts_wait_for_more_of_the_same_key_until_held_long_enough()
    {
        var pending = new PendingTally(new WindowTally("rate:k:reads:1", Queued + 60_000), Queued);

        Assert.False(pending.DueBy(Queued));
        Assert.False(pending.DueBy(Queued + PendingTally.HoldMs - 1));
        Assert.True(pending.DueBy(Queued + PendingTally.HoldMs));
    }

    [Fact]
    public void Counts_near_their_windows_end_go_at_once()
    {
        var endsAt = Queued + PendingTally.HoldMs + 1;
        var pending = new PendingTally(new WindowTally("rate:k:reads:1", endsAt), Queued);

        Assert.False(pending.DueBy(Queued));
        Assert.True(pending.DueBy(Queued + 1));
    }

    [Fact]
    public void Held_counts_are_sent_before_the_total_they_count_on_is_too_old()
    {
        // Held, then up to one flush interval until the flush that sends them, then Redis's answer
        // (within its deadline), which refreshes the total.
        var refreshedWithin = PendingTally.HoldMs + BatchedRateCounter.FlushInterval.TotalMilliseconds
            + new Redis.RedisDeadlineOptions().RequestDeadline.TotalMilliseconds;
        Assert.True(refreshedWithin < WindowTally.MaxStalenessMs, $"held counts are answered within {refreshedWithin} ms");
    }
}
