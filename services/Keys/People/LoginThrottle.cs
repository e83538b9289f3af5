using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TrustedOss.Keys.People;

public sealed class LoginThrottleOptions
{
    public const string SectionName = "Login";

    /// <summary>CONTRACT §1: more than 5 attempts a minute from one client address → 429.</summary>
    [Range(1, 10_000)]
    public int AttemptsPerMinute { get; set; } = 5;
}

/// <summary>
/// Counts login attempts per client address in fixed one-minute windows in Redis, so the limit
/// holds across every replica.
/// </summary>
internal sealed class LoginThrottle(IConnectionMultiplexer redis, IOptions<LoginThrottleOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Counts this attempt; returns the seconds to wait when it is over the limit, else null.</summary>
    public async Task<int?> TryAttemptAsync(string clientAddress)
    {
        var now = time.GetUtcNow();
        var window = now.ToUnixTimeSeconds() / (long)Window.TotalSeconds;
        var key = $"login-attempts:{clientAddress}:{window}";
        var database = redis.GetDatabase();
        var attempts = await database.StringIncrementAsync(key);
        if (attempts == 1)
        {
            await database.KeyExpireAsync(key, Window + TimeSpan.FromSeconds(5));
        }

        if (attempts <= options.Value.AttemptsPerMinute)
        {
            return null;
        }

        var windowEnds = DateTimeOffset.FromUnixTimeSeconds((window + 1) * (long)Window.TotalSeconds);
        return Math.Max(1, (int)Math.Ceiling((windowEnds - now).TotalSeconds));
    }
}
