using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// Checks a presented API key on the hot path: an in-process copy of its entry (at most 5 s old,
/// dropped at once when the Keys service announces a change), else the shared state (Redis, then
/// the Keys service). Unknown prefixes are remembered as briefly. Failed checks that cost something
/// (a lookup that found nothing, a wrong secret; not a revoked or expired key's own secret) count
/// against the client's address; past the limit the address gets no more lookups, but keys in the
/// shared cache still verify from it. The key itself is never stored: entries hold only the keyed
/// hash.
/// </summary>
public sealed class ApiKeyVerifier(
    IMemoryCache local, ISharedKeyState shared, IOptions<ApiKeyOptions> keyOptions,
    IOptions<ApiKeyVerifierOptions> options, GatewayMetrics metrics, TimeProvider time)
{
    public enum Outcome { Accepted, Refused, Unavailable, Throttled }

    /// <summary>The value of cache entries whose presence is the whole message (an unknown prefix, a use already noted).</summary>
    private static readonly object Noted = new();

    /// <summary>Each outcome's metric tag, made once rather than on every request.</summary>
    private static readonly string[] OutcomeNames = [.. Enum.GetValues<Outcome>().Select(o => o.ToString().ToLowerInvariant())];

    /// <summary>The verdict on a presented key; <see cref="RetryAfterSeconds"/> is set when throttled.</summary>
    public sealed record Verdict(Outcome Outcome, VerifiedApiKey? Key = null, int RetryAfterSeconds = 0);

    public async Task<Verdict> VerifyAsync(string presented, IPAddress? client, CancellationToken cancellationToken)
    {
        // A malformed key is refused before any lookup, so it costs nothing and is not counted.
        if (!ApiKeyFormat.TryParse(presented, out var prefix))
        {
            return Counted(new Verdict(Outcome.Refused));
        }

        // An address that keeps failing gets no lookups in the Keys service (each would cost a
        // query), but a key that is in the shared cache (from its creation, and while it is used) still
        // verifies: one pipeline's bad keys must not lock out its neighbours behind the same address.
        var throttledFor = local.TryGetValue(ThrottleKey(client), out DateTimeOffset until) ? SecondsUntil(until) : (int?)null;
        VerifiedApiKey? entry;
        bool lookedUp;
        try
        {
            (entry, lookedUp) = await EntryAsync(prefix, lookUp: throttledFor is null, cancellationToken);
        }
        catch (Exception ex) when ((RedisOutage.Is(ex) || DependencyOutage.Is(ex)) && !cancellationToken.IsCancellationRequested)
        {
            return Counted(new Verdict(Outcome.Unavailable));
        }

        var check = entry?.Verify(presented, keyOptions.Value, time.GetUtcNow()) ?? VerifiedApiKey.Check.WrongSecret;
        if (check == VerifiedApiKey.Check.Usable)
        {
            NoteUse(entry!, client);
            return Counted(new Verdict(Outcome.Accepted, entry));
        }

        // A revoked or expired key presented with its own secret is its holder's, not a guess:
        // a plain 401 (CONTRACT §2), neither counted nor throttled, so pipelines still using a
        // revoked key learn it is revoked and do not lock out their neighbours behind one address.
        if (check == VerifiedApiKey.Check.Unusable)
        {
            return Counted(new Verdict(Outcome.Refused));
        }

        if (throttledFor is { } retryAfter)
        {
            return Counted(new Verdict(Outcome.Throttled, RetryAfterSeconds: retryAfter));
        }

        // A wrong secret for a real key, or a lookup that found nothing, counts against the address;
        // a prefix this process already knows to be unknown cost nothing and does not.
        return entry is null && !lookedUp ? Counted(new Verdict(Outcome.Refused)) : await RefusedAsync(client);
    }

    /// <summary>Moved by every announced change: a lookup that overlapped one may have read the entry before it.</summary>
    private long changesAnnounced;

    /// <summary>Drops this process's copy of a key's entry (the Keys service changed it).</summary>
    public void Forget(string prefix)
    {
        Interlocked.Increment(ref changesAnnounced);
        local.Remove(LocalKey(prefix));
        local.Remove(UnknownKey(prefix));
    }

    /// <summary>Counts a failed check against the client's address (an IPv6 client's /64); past the limit, the address is throttled.</summary>
    private async Task<Verdict> RefusedAsync(IPAddress? client)
    {
        int used, reset;
        try
        {
            (used, reset) = await shared.CountFailureAsync(ClientAddress.LimitKey(client));
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
        metrics.ApiKeyVerifications.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeNames[(int)verdict.Outcome]));
        return verdict;
    }

    /// <summary>
    /// The key's entry: this process's copy, else the shared state (the shared cache only when
    /// <paramref name="lookUp"/> is false), and whether the shared state was asked. Null for a key
    /// that does not exist, or that is not in the shared cache when no lookup is allowed.
    /// </summary>
    private async Task<(VerifiedApiKey? Entry, bool LookedUp)> EntryAsync(string prefix, bool lookUp, CancellationToken cancellationToken)
    {
        if (local.TryGetValue(LocalKey(prefix), out VerifiedApiKey? cached))
        {
            return (cached, false);
        }

        if (local.TryGetValue(UnknownKey(prefix), out _))
        {
            return (null, false);
        }

        // Past the Redis deadline the key cannot be checked: the caller answers 503 with Retry-After.
        var announcedBefore = Interlocked.Read(ref changesAnnounced);
        var entry = lookUp ? await shared.FindAsync(prefix, cancellationToken) : await shared.FindCachedAsync(prefix);
        if (entry is null && !lookUp)
        {
            return (null, true);
        }

        // A change announced while the lookup ran may be newer than what it read (a revocation
        // dropped before this copy was made would come back for the copy's lifetime): the entry
        // serves this request only, and the next one looks again. Checked before the copy is kept
        // and again after, since an announcement may land between the check and the keeping.
        if (Interlocked.Read(ref changesAnnounced) != announcedBefore)
        {
            return (entry, true);
        }

        // Unknown prefixes are remembered briefly too, so made-up keys cannot each cost a database
        // query; creating a key announces its prefix, which drops this note on every replica.
        var kept = entry is null ? UnknownKey(prefix) : LocalKey(prefix);
        local.Set(kept, (object?)entry ?? Noted, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = options.Value.LocalCacheLifetime,
            Size = 1,
        });
        if (Interlocked.Read(ref changesAnnounced) != announcedBefore)
        {
            local.Remove(kept);
        }

        return (entry, true);
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

    private static string ThrottleKey(IPAddress? client) => $"throttled:{ClientAddress.LimitKey(client)}";

    private static string UsageKey(Guid id) => $"usage:{id}";
}
