using Microsoft.AspNetCore.Mvc;
using TrustedOss.Access;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Keys.ApiKeys;

public sealed record CreateApiKeyRequest(
    string? Name, string? Scope, Guid? TeamId, Guid? ProjectId, string? PermissionBreadth, int? ExpiresInDays) : IValidatableRequest
{
    public string Breadth => PermissionBreadth ?? TrustedOss.Access.PermissionBreadth.ReadWrite;

    public void Validate(ValidationErrors errors) => errors
        .Check(Name?.Trim() is { Length: >= 1 and <= 100 }, "name", "Name must be 1 to 100 characters.")
        .Check(Scope is not null && ApiKeyScope.All.Contains(Scope), "scope", "Scope must be one of: org, team, project.")
        .Check(TrustedOss.Access.PermissionBreadth.All.Contains(Breadth), "permission_breadth", "permission_breadth must be read_write or read_only.")
        .Check(ExpiresInDays is null or (>= 1 and <= 1825), "expires_in_days", "expires_in_days must be from 1 to 1825.");

    /// <summary>org ⇒ neither team nor project; team ⇒ a team, no project; project ⇒ a project (null when it fits).</summary>
    public string? ScopeMismatch() => Scope switch
    {
        ApiKeyScope.Org when TeamId is not null || ProjectId is not null => "An org key takes neither team_id nor project_id.",
        ApiKeyScope.Team when TeamId is null || ProjectId is not null => "A team key takes a team_id and no project_id.",
        ApiKeyScope.Project when ProjectId is null => "A project key takes a project_id.",
        _ => null,
    };
}

public sealed record UpdateApiKeyRequest(string? PermissionBreadth) : IValidatableRequest
{
    public void Validate(ValidationErrors errors) => errors.Check(
        PermissionBreadth == TrustedOss.Access.PermissionBreadth.ReadOnly, "permission_breadth", "A key can only be narrowed to read_only, never widened.");
}

public sealed record ListApiKeysQuery(
    string? Scope,
    [FromQuery(Name = "team_id")] string? TeamId,
    [FromQuery(Name = "project_id")] string? ProjectId,
    [FromQuery(Name = "include_revoked")] string? IncludeRevoked,
    string? Page,
    [FromQuery(Name = "page_size")] string? PageSize);

public sealed record RateLimitResponse(int Limit, int Remaining, int Reset);

public sealed record SelfResponse(
    Guid Id, string KeyPrefix, string Name, string Scope, string PermissionBreadth, Guid? TeamId, Guid? ProjectId,
    Guid CreatedByUserId, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt,
    IReadOnlyDictionary<string, RateLimitResponse> RateLimits);
