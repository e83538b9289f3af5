namespace TrustedOss.Web.Api;

/// <summary>A page of a list (CONTRACT §0).</summary>
internal sealed record ListPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

/// <summary>The signed-in person (CONTRACT §1, <c>GET /auth/me</c>).</summary>
internal sealed record Me(Guid Id, string Email, string FullName, bool IsSuperuser, IReadOnlyList<Membership> Memberships);

internal sealed record Membership(Guid TeamId, string TeamName, string Role);

/// <summary>A project (CONTRACT §1).</summary>
internal sealed record Project(Guid Id, Guid TeamId, string Name, string GitUrl, DateTime CreatedAt);

/// <summary>An API key as listed (CONTRACT §2): never the key itself.</summary>
internal sealed record ApiKey(
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
internal sealed record Team(Guid Id, string Name);

/// <summary>What <c>POST /v1/api-keys</c> takes (CONTRACT §2).</summary>
internal sealed record NewApiKey(string Name, string Scope, Guid? TeamId, Guid? ProjectId, string PermissionBreadth, int? ExpiresInDays);

/// <summary>A key as created: the only answer that carries its full value.</summary>
internal sealed record CreatedApiKey(Guid Id, string KeyPrefix, string Name, string Scope, string RawKey);

/// <summary>An API problem (CONTRACT §0): what was refused and, for a 422, each field's complaint.</summary>
internal sealed record Problem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors);

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
