using TrustedOss.Credentials.RateLimits;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class RateLimitStateTests
{
    private static readonly KeyRateLimitOptions Limits = new() { TriggersPerMinute = 20, ReadsPerMinute = 600 };

    [Theory]
    [InlineData(KeyRateLimits.Triggers, 20)]
    [InlineData(KeyRateLimits.Reads, 600)]
    public void Each_policy_has_its_own_limit(string policy, int limit) => Assert.Equal(limit, Limits.LimitOf(policy));

    [Theory]
    [InlineData(19, 1, false)]
    [InlineData(20, 0, false)]
    [InlineData(21, 0, true)]
    [InlineData(40, 0, true)]
    public void The_request_past_the_limit_is_the_first_one_refused(int used, int remaining, bool exceeded)
    {
        var state = new RateLimitState(KeyRateLimits.Triggers, 20, used, ResetSeconds: 17);

        Assert.Equal(remaining, state.Remaining);
        Assert.Equal(exceeded, state.Exceeded);
    }

    [Fact]
    public void Headers_follow_the_ietf_ratelimit_fields()
    {
        var state = new RateLimitState(KeyRateLimits.Reads, 600, 10, ResetSeconds: 42);

        Assert.Equal("\"reads\";q=600;w=60", state.PolicyHeader);
        Assert.Equal("\"reads\";r=590;t=42", state.StateHeader);
    }
}

public sealed class FixedWindowTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset WindowStart = DateTimeOffset.FromUnixTimeMilliseconds(29_000_000 * 60_000L);

    [Fact]
    public void Every_moment_of_a_window_counts_in_the_same_counter_and_the_next_window_in_another()
    {
        var first = FixedWindow.Key("rate:k", Minute, WindowStart);

        Assert.Equal("rate:k:29000000", first);
        Assert.Equal(first, FixedWindow.Key("rate:k", Minute, WindowStart.AddMilliseconds(59_999)));
        Assert.Equal("rate:k:29000001", FixedWindow.Key("rate:k", Minute, WindowStart.AddMinutes(1)));
    }

    [Theory]
    [InlineData(0, 60_000)]
    [InlineData(1, 59_999)]
    [InlineData(59_999, 1)]
    public void A_window_ends_at_the_next_multiple_of_its_length(int intoWindowMs, int leftMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(leftMs), FixedWindow.UntilWindowEnds(Minute, WindowStart.AddMilliseconds(intoWindowMs)));

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(1_000, 1)]
    [InlineData(1_001, 2)]
    [InlineData(59_999, 60)]
    public void Seconds_left_round_up_and_are_never_zero(long milliseconds, int seconds) =>
        Assert.Equal(seconds, FixedWindow.Seconds(milliseconds));
}
