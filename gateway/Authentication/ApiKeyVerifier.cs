using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// Checks a presented API key on the hot path: an in-process copy of its entry (at most 5 s old,
/// dropped at once when the Keys service announces a change), else the shared state (Redis, then
/// the Keys service). Unknown prefixes are remembered as briefly, and an address that keeps
/// presenting bad keys is throttled. The key itself is never stored: entries hold only the keyed hash.
/// </summary>
public sealed class ApiKeyVerifier(
    IMemoryCache local, ISharedKeyState shared, IOptions<ApiKeyOptions> keyOptions,
    IOptions<ApiKeyVerifierOptions> options, GatewayMetrics metrics, TimeProvider time)
{
    public enum Outcome { Accepted, Refused, Unavailable, Throttled }

    /// <summary>The value of cache entries whose presence is the whole message (an unknown prefix, a use already noted).</summary>
    private static readonly object Noted = new();

    /// <summary>The verdict on a presented key; <see cref="RetryAfterSeconds"/> is set when throttled.</summary>
    public sealed record Verdict(Outcome Outcome, VerifiedApiKey? Key = null, int RetryAfterSeconds = 0);

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
        catch (Exception ex) when ((RedisOutage.Is(ex) || DependencyOutage.Is(ex)) && !cancellationToken.IsCancellationRequested)
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

    /// <summary>Drops this process's copy of a key's entry (the Keys service changed it).</summary>
    public void Forget(string prefix)
    {
        local.Remove(LocalKey(prefix));
        local.Remove(UnknownKey(prefix));
    }

    /// <summary>Counts a failed check against the client's address; past the limit, the address is throttled.</summary>
    private async Task<Verdict> RefusedAsync(IPAddress? client)
    {
        int used, reset;
        try
        {
            (used, reset) = await shared.CountFailureAsync(client);
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            // Fails safe: the key is refused all the same, only not counted.
            return Counted(new Verdict(Outcome.Refused));
        }

        if (used <= options.Value.FailuresPerMinute)
        {
            return Counted(new Verdict(Outcome.Refused));
        }

        local.Set(ThrottleKey(client), time.GetUtcNow().AddSeconds(reset), new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(reset),
            Size = 1,
        });
        return Counted(new Verdict(Outcome.Throttled, RetryAfterSeconds: reset));
    }

    private int SecondsUntil(DateTimeOffset until) => Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds));

    private Verdict Counted(Verdict verdict)
    {
        metrics.ApiKeyVerifications.Add(1, new KeyValuePair<string, object?>("outcome", verdict.Outcome.ToString().ToLowerInvariant()));
        return verdict;
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

        // Past the Redis deadline the key cannot be checked: the caller answers 503 with Retry-After.
        var entry = await shared.FindAsync(prefix, cancellationToken);
        // Unknown prefixes are remembered briefly too, so made-up keys cannot each cost a database
        // query; creating a key announces its prefix, which drops this note on every replica.
        local.Set(entry is null ? UnknownKey(prefix) : LocalKey(prefix), (object?)entry ?? Noted, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = options.Value.LocalCacheLifetime,
            Size = 1,
        });
        return entry;
    }

    /// <summary>At most one note per key per interval: last_used_at needs minutes, not every request.</summary>
    private void NoteUse(VerifiedApiKey key, IPAddress? client)
    {
        if (local.TryGetValue(UsageKey(key.Id), out _))
        {
            return;
        }

        local.Set(UsageKey(key.Id), Noted, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.UsageNoteInterval, Size = 1 });
        shared.NoteUse(key.Id, client);
    }

    private static string LocalKey(string prefix) => $"key:{prefix}";

    private static string UnknownKey(string prefix) => $"unknown:{prefix}";

    private static string ThrottleKey(IPAddress? client) => $"throttled:{client}";

    private static string UsageKey(Guid id) => $"usage:{id}";
}
