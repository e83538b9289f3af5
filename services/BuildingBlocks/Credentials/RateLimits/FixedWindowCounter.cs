using System.Globalization;
using StackExchange.Redis;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>
/// Counts events in fixed, clock-aligned windows in Redis, so every replica shares one count and
/// agrees where a window ends. Used for per-key limits and for login attempts per address.
/// </summary>
public static class FixedWindowCounter
{
    // One round trip: count the events (ARGV[2] of them) and learn how long the window has left.
    private const string CountScript = """
        local used = redis.call('INCRBY', KEYS[1], ARGV[2])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return { used, ttl }
        """;

    /// <summary>Counts one event of <paramref name="name"/>; returns the count so far and the seconds until the window ends.</summary>
    public static async Task<(int Used, int ResetSeconds)> CountAsync(IDatabase redis, string name, TimeSpan window, DateTimeOffset now)
    {
        var (used, resetSeconds) = await AddAsync(redis, FixedWindow.Key(name, window, now), (long)FixedWindow.UntilWindowEnds(window, now).TotalMilliseconds, 1);
        return ((int)used, resetSeconds);
    }

    /// <summary>
    /// Adds <paramref name="count"/> events to the window counter <paramref name="windowKey"/>, which
    /// expires in <paramref name="expiresInMs"/> if it has no expiry yet (this creates it); returns its total and the seconds
    /// until the window ends. Takes a batch too, so many counters go to Redis in one write.
    /// </summary>
    public static async Task<(long Total, int ResetSeconds)> AddAsync(IDatabaseAsync redis, string windowKey, long expiresInMs, long count)
    {
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(CountScript, [windowKey], [expiresInMs, count]))!;
        return ((long)result[0], FixedWindow.Seconds((long)result[1]));
    }
}
