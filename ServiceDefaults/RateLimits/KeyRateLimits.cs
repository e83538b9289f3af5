using System.ComponentModel.DataAnnotations;
using System.Globalization;
using StackExchange.Redis;

namespace TrustedOss.ServiceDefaults.RateLimits;

/// <summary>
/// Per-key limits (CONTRACT §2): one-minute <see cref="FixedWindowCounter"/> windows, so every
/// gateway replica shares one count. The gateway counts; the Keys service reads the same counters
/// for <c>GET /v1/api-keys/self</c>.
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

    /// <summary>Counts one request of <paramref name="keyId"/> under <paramref name="policy"/>.</summary>
    public static async Task<RateLimitState> CountAsync(IDatabase redis, Guid keyId, string policy, KeyRateLimitOptions options, DateTimeOffset now)
    {
        var (used, reset) = await FixedWindowCounter.CountAsync(redis, CounterName(keyId, policy), Window, now);
        return new RateLimitState(policy, options.LimitOf(policy), used, reset);
    }

    /// <summary>Reads the current window without counting.</summary>
    public static async Task<RateLimitState> PeekAsync(IDatabase redis, Guid keyId, string policy, KeyRateLimitOptions options, DateTimeOffset now)
    {
        var (used, reset) = await FixedWindowCounter.PeekAsync(redis, CounterName(keyId, policy), Window, now);
        return new RateLimitState(policy, options.LimitOf(policy), used, reset);
    }

    private static string CounterName(Guid keyId, string policy) => $"rate:{keyId:N}:{policy}";
}
