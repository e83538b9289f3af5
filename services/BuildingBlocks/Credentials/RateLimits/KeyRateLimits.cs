using StackExchange.Redis;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>Counts and reads a key's per-policy windows in Redis (the limits are <see cref="KeyRateLimitOptions"/>).</summary>
public static class KeyRateLimits
{
    public const string Triggers = "triggers";
    public const string Reads = "reads";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Reads the current window without counting.</summary>
    public static async Task<RateLimitState> PeekAsync(IDatabase redis, Guid keyId, string policy, KeyRateLimitOptions options, DateTimeOffset now)
    {
        var (used, reset) = await FixedWindowCounter.PeekAsync(redis, CounterName(keyId, policy), Window, now);
        return new RateLimitState(policy, options.LimitOf(policy), used, reset);
    }

    /// <summary>The name of a key's counter for one policy (its windows are <see cref="FixedWindow.Key"/> of it).</summary>
    public static string CounterName(Guid keyId, string policy) => $"rate:{keyId:N}:{policy}";
}
