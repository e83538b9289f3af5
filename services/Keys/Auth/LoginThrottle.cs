using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Redis;

namespace TrustedOss.Keys.Auth;

public sealed class LoginThrottleOptions
{
    public const string SectionName = "Login";

    /// <summary>CONTRACT §1: more than 5 attempts a minute from one client address → 429.</summary>
    [Range(1, 10_000)]
    public int AttemptsPerMinute { get; set; } = 5;
}

/// <summary>
/// Counts login attempts per client address in one-minute windows shared by every replica. Fails
/// safe: when Redis does not answer within its deadline, the attempt is not made (503), since an
/// uncounted login is an unlimited password guess.
/// </summary>
internal sealed class LoginThrottle(
    IConnectionMultiplexer redis, IOptions<LoginThrottleOptions> options, RedisDeadline redisDeadline, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Counts this attempt; returns the seconds to wait when it is over the limit, else null.</summary>
    public async Task<int?> TryAttemptAsync(string clientAddress)
    {
        var (attempts, reset) = await redisDeadline.WithinAsync(
            FixedWindowCounter.CountAsync(redis.GetDatabase(), $"login-attempts:{clientAddress}", Window, time.GetUtcNow()));
        return attempts <= options.Value.AttemptsPerMinute ? null : reset;
    }
}
