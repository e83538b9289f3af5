using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.ApiKeys;
using TrustedOss.ServiceDefaults.RateLimits;
using TrustedOss.ServiceDefaults.Redis;

namespace TrustedOss.Gateway.Authentication;

public sealed class ApiKeyVerifierOptions
{
    public const string SectionName = "ApiKeyVerifier";

    /// <summary>How long this process reuses a key's entry without asking Redis (revocation bound: 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan LocalCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often one key's use is noted for last_used_at (the list shows it within a minute).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:30")]
    public TimeSpan UsageNoteInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Failed key checks a client address may cause in a minute (shared by all replicas); past it,
    /// keys this gateway has not recently verified are refused with 429 without any lookup.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailuresPerMinute { get; set; } = 30;
}

/// <summary>
/// Checks a presented API key on the hot path: an in-process copy of its entry (at most 5 s old,
/// dropped at once when the Keys service announces a change), else Redis, else the Keys service.
/// The key itself is never stored: entries hold only the keyed hash.
/// </summary>
public sealed class ApiKeyVerifier(
    IMemoryCache local, IConnectionMultiplexer redis, IHttpClientFactory http, IOptions<ApiKeyOptions> keyOptions,
    IOptions<ApiKeyVerifierOptions> options, RedisDeadline redisDeadline, TimeProvider time)
{
    public const string KeysClient = "keys";

    private static readonly System.Text.Json.JsonSerializerOptions SnakeCase = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
    };

    public enum Outcome { Accepted, Refused, Unavailable, Throttled }

    /// <summary>The verdict on a presented key; <see cref="RetryAfterSeconds"/> is set when throttled.</summary>
    public sealed record Verdict(Outcome Outcome, VerifiedApiKey? Key = null, int RetryAfterSeconds = 0);

    private static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(1);

    public async Task<Verdict> VerifyAsync(string presented, IPAddress? client, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presented, out var prefix))
        {
            return await RefusedAsync(client);
        }

        // An address that keeps presenting bad keys gets no more lookups (each would cost Redis,
        // the Keys service and a query); keys this process verified recently still work from it.
        if (!local.TryGetValue(LocalKey(prefix), out _) && local.TryGetValue(ThrottleKey(client), out DateTimeOffset until))
        {
            return Counted(new Verdict(Outcome.Throttled, RetryAfterSeconds: SecondsUntil(until)));
        }

        VerifiedApiKey? entry;
        try
        {
            entry = await EntryAsync(prefix, cancellationToken);
        }
        catch (Exception ex) when (DependencyOutage.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            return Counted(new Verdict(Outcome.Unavailable));
        }

        if (entry is null || !entry.Accepts(presented, keyOptions.Value, time.GetUtcNow()))
        {
            return await RefusedAsync(client);
        }

        NoteUse(entry, client);
        return Counted(new Verdict(Outcome.Accepted, entry));
    }

    /// <summary>Counts a failed check against the client's address; past the limit, the address is throttled.</summary>
    private async Task<Verdict> RefusedAsync(IPAddress? client)
    {
        var now = time.GetUtcNow();
        int used, reset;
        try
        {
            (used, reset) = await redisDeadline.WithinAsync(
                FixedWindowCounter.CountAsync(redis.GetDatabase(), $"auth-failures:{client}", FailureWindow, now));
        }
        catch (Exception ex) when (DependencyOutage.Is(ex))
        {
            // Fails safe: the key is refused all the same, only not counted.
            return Counted(new Verdict(Outcome.Refused));
        }

        if (used <= options.Value.FailuresPerMinute)
        {
            return Counted(new Verdict(Outcome.Refused));
        }

        local.Set(ThrottleKey(client), now.AddSeconds(reset), new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(reset),
            Size = 1,
        });
        return Counted(new Verdict(Outcome.Throttled, RetryAfterSeconds: reset));
    }

    private int SecondsUntil(DateTimeOffset until) => Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds));

    private static Verdict Counted(Verdict verdict)
    {
        Telemetry.ApiKeyVerifications.Add(1, new KeyValuePair<string, object?>("outcome", verdict.Outcome.ToString().ToLowerInvariant()));
        return verdict;
    }

    /// <summary>Drops this process's copy of a key's entry (the Keys service changed it).</summary>
    public void Forget(string prefix)
    {
        local.Remove(LocalKey(prefix));
        local.Remove(UnknownKey(prefix));
    }

    private async Task<VerifiedApiKey?> EntryAsync(string prefix, CancellationToken cancellationToken)
    {
        if (local.TryGetValue(LocalKey(prefix), out VerifiedApiKey? cached))
        {
            return cached;
        }

        if (local.TryGetValue(UnknownKey(prefix), out _))
        {
            return null;
        }

        // Past the deadline the key cannot be checked: the caller answers 503 with Retry-After.
        var shared = await redisDeadline.WithinAsync(redis.GetDatabase().StringGetAsync(VerifiedApiKey.CacheKey(prefix)));
        var entry = VerifiedApiKey.FromJson(shared) ?? await LookupAsync(prefix, cancellationToken);
        // Unknown prefixes are remembered briefly too, so made-up keys cannot each cost a database
        // query; creating a key announces its prefix, which drops this note on every replica.
        local.Set(entry is null ? UnknownKey(prefix) : LocalKey(prefix), (object?)entry ?? true, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = options.Value.LocalCacheLifetime,
            Size = 1,
        });
        return entry;
    }

    private async Task<VerifiedApiKey?> LookupAsync(string prefix, CancellationToken cancellationToken)
    {
        using var response = await http.CreateClient(KeysClient).PostAsJsonAsync("/internal/api-keys/lookup", new { prefix }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        // The Keys service writes snake_case, like every API here.
        return await response.Content.ReadFromJsonAsync<VerifiedApiKey>(SnakeCase, cancellationToken);
    }

    /// <summary>At most one note per key per interval: last_used_at needs minutes, not every request.</summary>
    private void NoteUse(VerifiedApiKey key, IPAddress? client)
    {
        if (local.TryGetValue(UsageKey(key.Id), out _))
        {
            return;
        }

        local.Set(UsageKey(key.Id), true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.UsageNoteInterval, Size = 1 });
        var note = string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow().ToUnixTimeMilliseconds()}|{client}");
        _ = redis.GetDatabase().HashSetAsync(VerifiedApiKey.UsageHashKey, key.Id.ToString(), note, flags: CommandFlags.FireAndForget);
    }

    private static string LocalKey(string prefix) => $"key:{prefix}";

    private static string UnknownKey(string prefix) => $"unknown:{prefix}";

    private static string ThrottleKey(IPAddress? client) => $"throttled:{client}";

    private static string UsageKey(Guid id) => $"usage:{id}";
}
