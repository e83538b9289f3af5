using TrustedOss.Gateway.RateLimiting;

namespace TrustedOss.Gateway.Tests;

/// <summary>
/// When a request may be counted in the gateway and when it must be counted in Redis first
/// (<see cref="WindowTally"/>); the batches themselves reach Redis in the system tests.
/// </summary>
public sealed class WindowTallyTests
{
    private const int Limit = 600;
    private const long Now = 1_000_000;

    [Fact]
    public void The_first_request_of_a_window_is_counted_in_redis()
    {
        var tally = new WindowTally("rate:k:reads:1", Now + 60_000);

        Assert.Null(tally.TryCount(Limit, Now, out _));
    }

    [Fact]
    public void After_redis_answered_requests_are_counted_here_on_top_of_its_total()
    {
        var tally = Synced(total: 100);

        Assert.Equal(101, tally.TryCount(Limit, Now, out var first));
        Assert.True(first);
        Assert.Equal(102, tally.TryCount(Limit, Now, out first));
        Assert.False(first);
    }

    [Fact]
    public void Near_the_limit_every_request_is_counted_in_redis()
    {
        // A tenth of the limit is kept as headroom for other replicas' unsent counts.
        var tally = Synced(total: 539);

        Assert.Equal(540, tally.TryCount(Limit, Now, out _));
        Assert.Null(tally.TryCount(Limit, Now, out var first));
        Assert.False(first);
    }

    [Fact]
    public void Small_limits_are_always_counted_in_redis()
    {
        var tally = Synced(total: 0);

        Assert.Null(tally.TryCount(20, Now, out _));
    }

    [Fact]
    public void At_most_sixteen_counts_wait_unsent()
    {
        var tally = Synced(total: 0);
        for (var i = 0; i < WindowTally.MaxUnsent; i++)
        {
            Assert.NotNull(tally.TryCount(Limit, Now, out _));
        }

        Assert.Null(tally.TryCount(Limit, Now, out _));
        Assert.Equal(WindowTally.MaxUnsent + 1, tally.Take(1));
    }

    [Fact]
    public void A_total_older_than_a_second_is_not_trusted()
    {
        var tally = Synced(total: 10);

        Assert.NotNull(tally.TryCount(Limit, Now + WindowTally.MaxStalenessMs, out _));
        Assert.Null(tally.TryCount(Limit, Now + WindowTally.MaxStalenessMs + 1, out _));
    }

    [Fact]
    public void Counts_in_flight_stay_in_the_estimate_until_redis_answers()
    {
        var tally = Synced(total: 10);
        tally.TryCount(Limit, Now, out _);
        tally.TryCount(Limit, Now, out _);

        var sent = tally.Take(0);
        Assert.Equal(2, sent);
        Assert.False(tally.Idle);
        Assert.Equal(13, tally.TryCount(Limit, Now, out var first));
        Assert.True(first);

        // Redis's total includes another replica's 5 counts as well as the 2 sent.
        tally.Settled(sent, 17, Now);
        Assert.Equal(19, tally.TryCount(Limit, Now, out _));
    }

    [Fact]
    public void An_answer_arriving_late_never_lowers_the_total()
    {
        var tally = Synced(total: 10);
        var early = tally.Take(1);
        var late = tally.Take(1);

        tally.Settled(late, 12, Now);
        tally.Settled(early, 11, Now);

        Assert.Equal(13, tally.TryCount(Limit, Now, out _));
    }

    [Fact]
    public void After_lost_counts_the_next_request_is_counted_in_redis_and_leaves_them_out()
    {
        var tally = Synced(total: 10);
        tally.TryCount(Limit, Now, out _);
        var sent = tally.Take(0);

        tally.Lost(sent);

        Assert.True(tally.Idle);
        Assert.Null(tally.TryCount(Limit, Now, out _));
        Assert.Equal(1, tally.Take(1));
    }

    private static WindowTally Synced(long total)
    {
        var tally = new WindowTally("rate:k:reads:1", Now + 60_000);
        var sent = tally.Take(1);
        tally.Settled(sent, total, Now);
        return tally;
    }
}
