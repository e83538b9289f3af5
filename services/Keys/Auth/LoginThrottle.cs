using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Redis;

namespace TrustedOss.Keys.Auth;

public sealed class LoginThrottleOptions
{
    public const string SectionName = "Login";

    /// <summary>CONTRACT §1: more than 5 attempts a minute from one client address (an IPv6 /64) → 429.</summary>
    [Range(1, 10_000)]
    public int AttemptsPerMinute { get; set; } = 5;

    /// <summary>Failed sign-ins to one account, from anywhere, before each further attempt must wait.</summary>
    [Range(1, 1_000)]
    public int FreeFailuresPerAccount { get; set; } = 5;

    /// <summary>The first wait; it doubles with each further failure, up to <see cref="MaxAccountDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AccountDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxAccountDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a sign-in waits for each of its Redis counts before it is refused (503). Longer than
    /// the hot paths' <c>Redis:RequestDeadline</c>: a person signing in (who waits for a password hash
    /// anyway) is better served by a late answer than by a refusal when a busy machine answers slowly.
    /// At most 3 s: a sign-in makes up to three counts, and the web page gives an attempt 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:03")]
    public TimeSpan RedisDeadline { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Two limits on password guessing, shared by every replica through Redis. Per client address: a
/// fixed number of attempts a minute. Per account: after a few failures, from whatever addresses,
/// each attempt must wait a delay that doubles with each further failure, so a botnet spread over
/// many addresses still guesses one account slowly. The account is the email as the database
/// compares it, so every spelling that signs in as one person (other cases, look-alike letters its
/// <c>lower()</c> takes as the same) shares one count. The delay applies to any email, known or
/// not, so it tells nobody which accounts exist; a successful sign-in clears it. Fails safe: when Redis
/// does not answer within <see cref="LoginThrottleOptions.RedisDeadline"/>, the attempt is not made
/// (503), since an uncounted login is an unlimited password guess.
/// </summary>
internal sealed class LoginThrottle(
    IConnectionMultiplexer redis, IOptions<LoginThrottleOptions> options, RedisDeadline redisDeadline, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Atomically: refuse while the account's next attempt is not due; else let this one through and
    // move the next due time by the delay its failure count earns (so a burst gets one guess).
    private const string ReserveScript = """
        local now = tonumber(ARGV[1])
        local due = tonumber(redis.call('HGET', KEYS[1], 'due') or '0')
        if now < due then return due - now end
        local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
        local free = tonumber(ARGV[2])
        if failures >= free then
            local delay = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ (failures - free))
            redis.call('HSET', KEYS[1], 'due', now + delay)
        end
        return 0
        """;

    private const string FailureScript = """
        redis.call('HINCRBY', KEYS[1], 'failures', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>Counts this attempt against its client's address; returns the seconds to wait when the address is past its limit, else null.</summary>
    public async Task<int?> TryAttemptFromAsync(string clientAddress)
    {
        var (attempts, reset) = await WithinDeadline(
            FixedWindowCounter.CountAsync(redis.GetDatabase(), $"login-attempts:{ClientAddress.LimitKey(clientAddress)}", Window, time.GetUtcNow()));
        return attempts > options.Value.AttemptsPerMinute ? reset : null;
    }

    /// <summary>
    /// Lets this attempt on the account through, or returns the seconds until its next attempt is
    /// due. <paramref name="account"/> is the email as the database compares it.
    /// </summary>
    public async Task<int?> TryAttemptOnAsync(string account)
    {
        var limits = options.Value;
        var waitMs = (long)await WithinDeadline(redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, [AccountKey(account)],
            [time.GetUtcNow().ToUnixTimeMilliseconds(), limits.FreeFailuresPerAccount, (long)limits.AccountDelay.TotalMilliseconds,
                (long)limits.MaxAccountDelay.TotalMilliseconds]));
        return waitMs > 0 ? FixedWindow.Seconds(waitMs) : null;
    }

    /// <summary>A wrong password (or an unknown email): the account's failures count on for an hour past the longest delay.</summary>
    public Task FailedAsync(string account) =>
        WithinDeadline(redis.GetDatabase().ScriptEvaluateAsync(FailureScript, [AccountKey(account)],
            [(long)(options.Value.MaxAccountDelay + TimeSpan.FromHours(1)).TotalMilliseconds]));

    public Task SucceededAsync(string account) => WithinDeadline(redis.GetDatabase().KeyDeleteAsync(AccountKey(account)));

    private Task<T> WithinDeadline<T>(Task<T> command) => redisDeadline.WithinAsync(command, options.Value.RedisDeadline);

    /// <summary>Hashed, so Redis holds no list of the emails people tried.</summary>
    private static string AccountKey(string account) =>
        $"login-failures:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account)))}";
}
