namespace TrustedOss.Keys.ApiKeys;

/// <summary>An API key as listed (CONTRACT §2): never the key or its hash.</summary>
public sealed record ApiKey(
    Guid Id,
    string KeyPrefix,
    string Name,
    string Scope,
    string PermissionBreadth,
    Guid? TeamId,
    Guid? ProjectId,
    Guid CreatedByUserId,
    string CreatedByEmail,
    DateTime CreatedAt,
    DateTime? LastUsedAt,
    string? LastUsedIp,
    DateTime? RevokedAt,
    DateTime? ExpiresAt);

/// <summary>The answer to creating a key: the only time <see cref="RawKey"/> is ever shown.</summary>
public sealed record CreatedApiKey(
    Guid Id,
    string KeyPrefix,
    string Name,
    string Scope,
    string PermissionBreadth,
    Guid? TeamId,
    Guid? ProjectId,
    Guid CreatedByUserId,
    DateTime CreatedAt,
    DateTime? ExpiresAt,
    string RawKey);
