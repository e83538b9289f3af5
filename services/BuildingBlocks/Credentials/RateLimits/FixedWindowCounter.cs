using System.Globalization;
using StackExchange.Redis;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>
/// Counts events in fixed, clock-aligned windows in Redis, so every replica shares one count and
/// agrees where a window ends. Used for per-key limits and for login attempts per address.
/// </summary>
public static class FixedWindowCounter
{
    // One round trip: count the event and learn how long the window has left.
    private const string CountScript = """
        local used = redis.call('INCR', KEYS[1])
        if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { used, redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>Counts one event of <paramref name="name"/>; returns the count so far and the seconds until the window ends.</summary>
    public static async Task<(int Used, int ResetSeconds)> CountAsync(IDatabase redis, string name, TimeSpan window, DateTimeOffset now)
    {
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(
            CountScript, [FixedWindow.Key(name, window, now)], [(long)FixedWindow.UntilWindowEnds(window, now).TotalMilliseconds]))!;
        return ((int)(long)result[0], FixedWindow.Seconds((long)result[1]));
    }

    /// <summary>The count so far in the current window, without counting.</summary>
    public static async Task<(int Used, int ResetSeconds)> PeekAsync(IDatabase redis, string name, TimeSpan window, DateTimeOffset now)
    {
        var key = FixedWindow.Key(name, window, now);
        var used = await redis.StringGetAsync(key);
        var ttl = await redis.KeyTimeToLiveAsync(key);
        return (used.HasValue ? (int)used : 0, FixedWindow.Seconds((long)(ttl ?? FixedWindow.UntilWindowEnds(window, now)).TotalMilliseconds));
    }
}
