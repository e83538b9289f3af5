using StackExchange.Redis;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.TestSupport;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>What <c>GET /v1/api-keys/self</c> reads of a key's windows, from a real Redis the gateway's counts went to.</summary>
public sealed class KeyRateLimitsPeekTests
{
    private static readonly KeyRateLimitOptions Limits = new() { TriggersPerMinute = 20, ReadsPerMinute = 600 };

    [Fact]
    public async Task Each_window_shows_its_own_count_and_the_time_the_clock_leaves_it_without_counting()
    {
        using var server = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var redis = connection.GetDatabase();
        var (key, other) = (Guid.NewGuid(), Guid.NewGuid());
        // 17 s before the window ends, as the windows are cut from the clock.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_060_000 - 17_000);
        await Count(key, KeyRateLimits.Reads, 7);
        await Count(key, KeyRateLimits.Triggers, 3);
        await Count(other, KeyRateLimits.Reads, 100);

        var states = await KeyRateLimits.PeekAsync(redis, key, Limits, now);
        var again = await KeyRateLimits.PeekAsync(redis, key, Limits, now);

        Assert.Equal(
            [new RateLimitState(KeyRateLimits.Triggers, 20, 3, 17), new RateLimitState(KeyRateLimits.Reads, 600, 7, 17)],
            states);
        Assert.Equal(states, again);
        Assert.Equal(
            [new RateLimitState(KeyRateLimits.Triggers, 20, 0, 17), new RateLimitState(KeyRateLimits.Reads, 600, 0, 17)],
            await KeyRateLimits.PeekAsync(redis, key, Limits, now.AddMinutes(1)));

        Task Count(Guid keyId, string policy, long count) => FixedWindowCounter.AddAsync(
            redis, FixedWindow.Key(KeyRateLimits.CounterName(keyId, policy), KeyRateLimits.Window, now), 60_000, count);
    }
}
