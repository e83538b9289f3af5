namespace TrustedOss.Web.Api;

/// <summary>A page of a list (CONTRACT §0).</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

/// <summary>The signed-in person (CONTRACT §1, <c>GET /auth/me</c>).</summary>
public sealed record SignedInPerson(Guid Id, string Email, string FullName, bool IsSuperuser, IReadOnlyList<Membership> Memberships);

public sealed record Membership(Guid TeamId, string TeamName, string Role);

/// <summary>A project (CONTRACT §1).</summary>
public sealed record Project(Guid Id, Guid TeamId, string Name, string GitUrl, DateTime CreatedAt);

/// <summary>An API key as listed (CONTRACT §2): never the key itself.</summary>
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

/// <summary>A team (CONTRACT §1).</summary>
public sealed record Team(Guid Id, string Name);

/// <summary>What <c>POST /v1/api-keys</c> takes (CONTRACT §2).</summary>
public sealed record NewApiKey(string Name, string Scope, Guid? TeamId, Guid? ProjectId, string PermissionBreadth, int? ExpiresInDays);

/// <summary>A key as created: the only answer that carries its full value.</summary>
public sealed record CreatedApiKey(Guid Id, string KeyPrefix, string Name, string Scope, string RawKey);

/// <summary>An API problem (CONTRACT §0): what was refused and, for a 422, each field's complaint.</summary>
public sealed record Problem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>What a sign-in came to.</summary>
internal abstract record SignInOutcome
{
    public sealed record SignedIn(string AccessToken, TimeSpan Lifetime) : SignInOutcome;

    public sealed record Refused : SignInOutcome;

    public sealed record TooMany(TimeSpan RetryAfter) : SignInOutcome;

    public sealed record Unavailable : SignInOutcome;
}

/// <summary>The API refused the person's token: it expired, or the person was deactivated.</summary>
internal sealed class SessionEndedException() : Exception("The access token is no longer accepted.");

/// <summary>A project's webhook (CONTRACT §4 settings); <see cref="Secret"/> only in the answer that made a new one.</summary>
public sealed record Webhook(
    Guid ProjectId, string Provider, string WebhookUrl, DateTime CreatedAt, DateTime? RotatedAt, DateTime? PreviousSecretExpiresAt, string? Secret);

/// <summary>A webhook delivery as listed: what came in and what became of it.</summary>
public sealed record Delivery(Guid Id, string Provider, string DeliveryId, string EventType, string Outcome, Guid? ScanId, DateTime ReceivedAt);

/// <summary>A scan (CONTRACT §3).</summary>
public sealed record Scan(
    Guid Id,
    Guid ProjectId,
    string Kind,
    string Status,
    string? Ref,
    string? CommitSha,
    string Trigger,
    Guid? RequestedByUserId,
    Guid? ApiKeyId,
    Guid? DeliveryId,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? CompletedAt,
    string? ErrorCode,
    string? ErrorMessage,
    int? ComponentCount);

/// <summary>A key's recent scans (<c>GET /v1/scans?api_key_id=</c>).</summary>
public sealed record RecentScans(IReadOnlyList<Scan> Items);

/// <summary>An audit row (CONTRACT §5): who changed what, and the change.</summary>
public sealed record AuditEntry(
    Guid Id, DateTime CreatedAt, Guid? ActorUserId, string? ActorEmail, Guid? ActorApiKeyId, Guid? TeamId, string TargetTable, Guid TargetId,
    string Action, string? RequestId, System.Text.Json.JsonElement Diff);
