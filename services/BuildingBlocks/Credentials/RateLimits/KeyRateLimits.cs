using StackExchange.Redis;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>Counts and reads a key's per-policy windows in Redis (the limits are <see cref="KeyRateLimitOptions"/>).</summary>
public static class KeyRateLimits
{
    public const string Triggers = "triggers";
    public const string Reads = "reads";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private static readonly string[] Policies = [Triggers, Reads];

    /// <summary>
    /// Where the key stands in each policy's current window, without counting: one command for all
    /// windows. They are clock-aligned, so the time left comes from the clock, not from Redis.
    /// </summary>
    public static async Task<IReadOnlyList<RateLimitState>> PeekAsync(IDatabaseAsync redis, Guid keyId, KeyRateLimitOptions options, DateTimeOffset now)
    {
        var windows = Array.ConvertAll(Policies, policy => (RedisKey)FixedWindow.Key(CounterName(keyId, policy), Window, now));
        var counts = await redis.StringGetAsync(windows);
        var resetSeconds = FixedWindow.Seconds((long)FixedWindow.UntilWindowEnds(Window, now).TotalMilliseconds);
        // A window nothing was counted in yet is nil, which converts to 0.
        return [.. Policies.Select((policy, i) => new RateLimitState(policy, options.LimitOf(policy), (int)counts[i], resetSeconds))];
    }

    /// <summary>The name of a key's counter for one policy (its windows are <see cref="FixedWindow.Key"/> of it).</summary>
    public static string CounterName(Guid keyId, string policy) => $"rate:{keyId:N}:{policy}";
}
