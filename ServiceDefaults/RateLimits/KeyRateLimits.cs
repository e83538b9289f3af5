using System.ComponentModel.DataAnnotations;
using System.Globalization;
using StackExchange.Redis;

namespace TrustedOss.ServiceDefaults.RateLimits;

/// <summary>
/// Per-key limits (CONTRACT §2): fixed one-minute windows counted in Redis, so every gateway
/// replica shares one count. The gateway counts; the Keys service reads the same counters for
/// <c>GET /v1/api-keys/self</c>.
/// </summary>
public sealed class KeyRateLimitOptions
{
    public const string SectionName = "RateLimits";

    [Range(1, 1_000_000)]
    public int TriggersPerMinute { get; set; } = 20;

    [Range(1, 1_000_000)]
    public int ReadsPerMinute { get; set; } = 600;

    public int LimitOf(string policy) => policy == KeyRateLimits.Triggers ? TriggersPerMinute : ReadsPerMinute;
}

/// <summary>Where a key stands in one policy's current window.</summary>
public sealed record RateLimitState(string Policy, int Limit, int Used, int ResetSeconds)
{
    public int Remaining => Math.Max(0, Limit - Used);

    public bool Exceeded => Used > Limit;

    /// <summary>IETF httpapi RateLimit headers (structured fields): the policy and the current state.</summary>
    public string PolicyHeader => string.Create(CultureInfo.InvariantCulture, $"\"{Policy}\";q={Limit};w={(int)KeyRateLimits.Window.TotalSeconds}");

    public string StateHeader => string.Create(CultureInfo.InvariantCulture, $"\"{Policy}\";r={Remaining};t={ResetSeconds}");
}

public static class KeyRateLimits
{
    public const string Triggers = "triggers";
    public const string Reads = "reads";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // One round trip: count this request and learn how long the window has left.
    private const string CountScript = """
        local used = redis.call('INCR', KEYS[1])
        if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { used, redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>Counts one request of <paramref name="keyId"/> under <paramref name="policy"/>.</summary>
    public static async Task<RateLimitState> CountAsync(IDatabase redis, Guid keyId, string policy, KeyRateLimitOptions options, DateTimeOffset now)
    {
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(
            CountScript, [CounterKey(keyId, policy, now)], [(long)UntilWindowEnds(now).TotalMilliseconds]))!;
        return State(policy, options, (int)(long)result[0], (long)result[1]);
    }

    /// <summary>Reads the current window without counting.</summary>
    public static async Task<RateLimitState> PeekAsync(IDatabase redis, Guid keyId, string policy, KeyRateLimitOptions options, DateTimeOffset now)
    {
        var key = CounterKey(keyId, policy, now);
        var used = await redis.StringGetAsync(key);
        var ttl = await redis.KeyTimeToLiveAsync(key);
        return State(policy, options, used.HasValue ? (int)used : 0, (long)(ttl ?? UntilWindowEnds(now)).TotalMilliseconds);
    }

    private static RateLimitState State(string policy, KeyRateLimitOptions options, int used, long ttlMilliseconds) =>
        new(policy, options.LimitOf(policy), used, Math.Max(1, (int)Math.Ceiling(ttlMilliseconds / 1000.0)));

    private static string CounterKey(Guid keyId, string policy, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"rate:{keyId:N}:{policy}:{now.ToUnixTimeSeconds() / (long)Window.TotalSeconds}");

    /// <summary>Windows are aligned to the clock, so every replica agrees where one ends.</summary>
    private static TimeSpan UntilWindowEnds(DateTimeOffset now)
    {
        var windowMs = (long)Window.TotalMilliseconds;
        return TimeSpan.FromMilliseconds(windowMs - (now.ToUnixTimeMilliseconds() % windowMs));
    }
}
