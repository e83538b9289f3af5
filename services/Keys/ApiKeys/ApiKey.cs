namespace TrustedOss.Keys.ApiKeys;

public static class ApiKeyScope
{
    public const string Org = "org";
    public const string Team = "team";
    public const string Project = "project";

    public static readonly string[] All = [Org, Team, Project];
}

public static class PermissionBreadth
{
    public const string ReadWrite = "read_write";
    public const string ReadOnly = "read_only";

    public static readonly string[] All = [ReadWrite, ReadOnly];
}

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
