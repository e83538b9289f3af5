using System.Security.Cryptography;

namespace TrustedOss.Credentials.ApiKeys;

/// <summary>
/// What the gateways need to check a key, as the Keys service caches it in Redis under
/// <see cref="CacheKey"/>: the key's stored hash and what it may do. A revoked key (or one whose
/// issuer was deactivated) stays cached with <see cref="Revoked"/> set, so no stale copy returns.
/// </summary>
public sealed record VerifiedApiKey(
    Guid Id,
    string Prefix,
    byte[] SecretHash,
    string Scope,
    string PermissionBreadth,
    Guid? TeamId,
    Guid? ProjectId,
    Guid IssuerUserId,
    DateTime? ExpiresAt,
    bool Revoked,
    long Version)
{
    /// <summary>Redis pub/sub channel carrying a prefix whose entry changed: drop in-process copies.</summary>
    public const string ChangedChannel = "api-keys:changed";

    /// <summary>Redis hash where gateways note each key's last use (field: key id, value: unix ms|ip).</summary>
    public const string UsageHashKey = "api-keys:usage";

    /// <summary>
    /// How long an entry lives in Redis after it was written or the key last used (the Keys
    /// service renews the entries of the keys the gateways noted). Every change overwrites it.
    /// </summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long the entry of a key revoked or expired lives in Redis: such a key never works again,
    /// and while its entry is there a gateway refuses it with its own 401 even from an address that
    /// gets no more lookups (where a key it cannot find is answered 429).
    /// </summary>
    public static readonly TimeSpan RefusedCacheLifetime = TimeSpan.FromDays(30);

    /// <summary>
    /// The key itself was revoked, for good; <see cref="Revoked"/> is also set while the issuer may
    /// not use it, which a later change can undo.
    /// </summary>
    public bool KeyRevoked { get; init; }

    /// <summary>How long this entry, written at <paramref name="now"/>, lives in Redis.</summary>
    public TimeSpan LifetimeInCache(DateTimeOffset now) =>
        KeyRevoked || ExpiresAt is { } expiresAt && expiresAt <= now.UtcDateTime ? RefusedCacheLifetime : CacheLifetime;

    public static string CacheKey(string prefix) => $"api-keys:{prefix}";

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this);

    public static VerifiedApiKey? FromJson(string? json) =>
        json is null ? null : System.Text.Json.JsonSerializer.Deserialize<VerifiedApiKey>(json);

    /// <summary>What a presented key is to this entry.</summary>
    public enum Check
    {
        /// <summary>Not this key's secret.</summary>
        WrongSecret,

        /// <summary>This key's secret, but the key is revoked or expired.</summary>
        Unusable,

        /// <summary>This key's secret, and the key may be used.</summary>
        Usable,
    }

    /// <summary>Whether <paramref name="key"/> hashes to this entry's hash, and if so whether it may be used at <paramref name="now"/>.</summary>
    public Check Verify(string key, ApiKeyOptions options, DateTimeOffset now)
    {
        // Hash first, always: the time taken must not tell a revoked key from a wrong one.
        if (!CryptographicOperations.FixedTimeEquals(options.Hash(key), SecretHash))
        {
            return Check.WrongSecret;
        }

        return !Revoked && (ExpiresAt is null || ExpiresAt.Value > now.UtcDateTime) ? Check.Usable : Check.Unusable;
    }
}
