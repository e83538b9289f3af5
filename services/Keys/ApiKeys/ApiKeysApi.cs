using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TrustedOss.Keys.Audit;
using TrustedOss.Keys.People;
using TrustedOss.Keys.Projects;
using TrustedOss.ServiceDefaults.ApiKeys;
using TrustedOss.ServiceDefaults.Http;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.ServiceDefaults.RateLimits;
using TrustedOss.ServiceDefaults.Redis;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>Issuing, listing, narrowing and revoking API keys (CONTRACT §2); people only.</summary>
internal static class ApiKeysApi
{
    public sealed record CreateApiKeyRequest(
        string? Name, string? Scope, Guid? TeamId, Guid? ProjectId, string? PermissionBreadth, int? ExpiresInDays);

    public sealed record UpdateApiKeyRequest(string? PermissionBreadth);

    public sealed record RateLimitResponse(int Limit, int Remaining, int Reset);

    public sealed record SelfResponse(
        Guid Id, string KeyPrefix, string Name, string Scope, string PermissionBreadth, Guid? TeamId, Guid? ProjectId,
        Guid CreatedByUserId, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt,
        IReadOnlyDictionary<string, RateLimitResponse> RateLimits);

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/api-keys").RequireActiveUser();
        keys.MapPost("/", CreateAsync);
        keys.MapGet("/", ListAsync);
        keys.MapDelete("/{keyId:guid}", RevokeAsync);
        keys.MapPatch("/{keyId:guid}", NarrowAsync);
        // The calling key itself, for a pipeline checking its own credential: API keys only.
        app.MapGet("/v1/api-keys/self", SelfAsync).RequireCaller();
        return app;
    }

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest request, HttpContext http, NpgsqlDataSource db, ProjectStore projects, ApiKeyCache cache,
        AuditLog audit, IOptions<ApiKeyOptions> options, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            errors["name"] = ["Name must be 1 to 100 characters."];
        }

        if (request.Scope is null || !ApiKeyScope.All.Contains(request.Scope))
        {
            errors["scope"] = ["Scope must be one of: org, team, project."];
        }

        var breadth = request.PermissionBreadth ?? PermissionBreadth.ReadWrite;
        if (!PermissionBreadth.All.Contains(breadth))
        {
            errors["permission_breadth"] = ["permission_breadth must be read_write or read_only."];
        }

        if (request.ExpiresInDays is < 1 or > 1825)
        {
            errors["expires_in_days"] = ["expires_in_days must be from 1 to 1825."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        if (ScopeProblem(request) is { } scopeProblem)
        {
            return scopeProblem;
        }

        // Resolve what the key is for; a project key also records its project's team.
        var teamId = request.TeamId;
        if (request.Scope == ApiKeyScope.Project)
        {
            var project = await projects.GetAsync(request.ProjectId!.Value, http.RequestAborted);
            if (project is null)
            {
                return NotFound("Project Not Found", $"No project {request.ProjectId}.");
            }

            if (teamId is not null && teamId != project.TeamId)
            {
                return InvalidScope("team_id does not match the project's team.");
            }

            teamId = project.TeamId;
        }

        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        if (request.Scope == ApiKeyScope.Team && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM teams WHERE id = @teamId)", new { teamId }, cancellationToken: http.RequestAborted)))
        {
            return NotFound("Team Not Found", $"No team {teamId}.");
        }

        var user = http.CurrentUser();
        var allowed = request.Scope switch
        {
            ApiKeyScope.Org => user.IsSuperuser,
            ApiKeyScope.Team => user.Has(Roles.TeamAdmin, teamId),
            _ => user.Has(Roles.Developer, teamId),
        };
        if (!allowed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: request.Scope switch
                {
                    ApiKeyScope.Org => "Only super admins issue org keys.",
                    ApiKeyScope.Team => "Only a team_admin of the team (or a super admin) issues team keys.",
                    _ => "Only a developer or team_admin of the project's team (or a super admin) issues project keys.",
                });
        }

        var now = time.UtcNowForDatabase();
        var rawKey = ApiKeyFormat.NewKey();
        var prefix = rawKey[..ApiKeyFormat.PrefixLength];
        var created = new CreatedApiKey(
            Guid.CreateVersion7(time.GetUtcNow()), prefix, name!, request.Scope!, breadth, teamId, request.ProjectId, user.Id,
            now, request.ExpiresInDays is { } days ? now.AddDays(days) : null, rawKey);

        await using (var transaction = await connection.BeginTransactionAsync(http.RequestAborted))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO api_keys (id, key_prefix, secret_hash, name, scope, permission_breadth, team_id, project_id,
                                      created_by_user_id, created_at, expires_at)
                VALUES (@Id, @KeyPrefix, @hash, @Name, @Scope, @PermissionBreadth, @TeamId, @ProjectId,
                        @CreatedByUserId, @CreatedAt, @ExpiresAt)
                """,
                new
                {
                    created.Id, created.KeyPrefix, hash = options.Value.Hash(rawKey), created.Name, created.Scope, created.PermissionBreadth,
                    created.TeamId, created.ProjectId, created.CreatedByUserId, created.CreatedAt, created.ExpiresAt,
                },
                transaction, cancellationToken: http.RequestAborted));
            await audit.WriteAsync(transaction, http, "api_keys", created.Id, "create", created.TeamId,
                created with { RawKey = AuditLog.Redacted });
            await transaction.CommitAsync(http.RequestAborted);
        }

        // A 32-bit prefix may once have been probed and cached as unknown: the new entry replaces it.
        await cache.RefreshAsync(created.KeyPrefix, http.RequestAborted);
        return TypedResults.Created($"/v1/api-keys/{created.Id}", created);
    }

    private static async Task<Results<Ok<PagedList<ApiKey>>, ProblemHttpResult>> ListAsync(
        HttpContext http, ApiKeyStore keys, string? scope,
        [FromQuery(Name = "team_id")] string? teamId, [FromQuery(Name = "project_id")] string? projectId,
        [FromQuery(Name = "include_revoked")] string? includeRevoked,
        string? page, [FromQuery(Name = "page_size")] string? pageSize)
    {
        var paging = PageRequest.Parse(page, pageSize, out var problem);
        if (paging is null)
        {
            return problem!;
        }

        if (!QueryFilters.TryParseGuid(teamId, "team_id", out var team, out problem)
            || !QueryFilters.TryParseGuid(projectId, "project_id", out var project, out problem))
        {
            return problem;
        }

        if (scope is not null && !ApiKeyScope.All.Contains(scope))
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["scope"] = ["Scope must be one of: org, team, project."] });
        }

        if (includeRevoked is not (null or "true" or "false"))
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["include_revoked"] = ["include_revoked must be true or false."] });
        }

        var filter = new ApiKeyStore.Filter(scope, team, project, includeRevoked == "true");
        return TypedResults.Ok(await keys.ListAsync(http.CurrentUser(), filter, paging, http.RequestAborted));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid keyId, HttpContext http, ApiKeyStore keys, NpgsqlDataSource db, ApiKeyCache cache, AuditLog audit, TimeProvider time)
    {
        var (key, refused) = await ManageableAsync(keyId, http, keys);
        if (refused is not null)
        {
            return refused;
        }

        await using (var connection = await db.OpenConnectionAsync(http.RequestAborted))
        await using (var transaction = await connection.BeginTransactionAsync(http.RequestAborted))
        {
            var revokedAt = time.UtcNowForDatabase();
            var revoked = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET revoked_at = @revokedAt, version = version + 1 WHERE id = @keyId AND revoked_at IS NULL",
                new { keyId, revokedAt }, transaction, cancellationToken: http.RequestAborted));
            // Revoking twice is fine (204 again) but changes, and records, nothing.
            if (revoked == 1)
            {
                await audit.WriteAsync(transaction, http, "api_keys", keyId, "update", key!.TeamId, new { revoked_at = revokedAt });
            }

            await transaction.CommitAsync(http.RequestAborted);
        }

        await cache.RefreshAsync(key!.KeyPrefix, http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ApiKey>, ProblemHttpResult>> NarrowAsync(
        Guid keyId, UpdateApiKeyRequest request, HttpContext http, ApiKeyStore keys, NpgsqlDataSource db, ApiKeyCache cache, AuditLog audit)
    {
        if (request.PermissionBreadth != PermissionBreadth.ReadOnly)
        {
            return ApiProblems.Validation(
                new Dictionary<string, string[]> { ["permission_breadth"] = ["A key can only be narrowed to read_only, never widened."] });
        }

        var (key, refused) = await ManageableAsync(keyId, http, keys);
        if (refused is not null)
        {
            return refused;
        }

        await using (var connection = await db.OpenConnectionAsync(http.RequestAborted))
        await using (var transaction = await connection.BeginTransactionAsync(http.RequestAborted))
        {
            var narrowed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET permission_breadth = 'read_only', version = version + 1 WHERE id = @keyId AND permission_breadth <> 'read_only'",
                new { keyId }, transaction, cancellationToken: http.RequestAborted));
            if (narrowed == 1)
            {
                await audit.WriteAsync(transaction, http, "api_keys", keyId, "update", key!.TeamId,
                    new { permission_breadth = PermissionBreadth.ReadOnly });
            }

            await transaction.CommitAsync(http.RequestAborted);
        }

        await cache.RefreshAsync(key!.KeyPrefix, http.RequestAborted);
        return TypedResults.Ok((await keys.GetAsync(keyId, http.RequestAborted))!);
    }

    private static async Task<IResult> SelfAsync(
        HttpContext http, ApiKeyStore keys, IConnectionMultiplexer redis, IOptions<KeyRateLimitOptions> limits,
        RedisDeadline redisDeadline, TimeProvider time)
    {
        if (http.Caller() is not { IsApiKey: true, ApiKeyId: { } keyId } || await keys.GetAsync(keyId, http.RequestAborted) is not { } key)
        {
            return AuthenticationRequired.Result(http);
        }

        var now = time.GetUtcNow();
        var states = new Dictionary<string, RateLimitResponse>();
        foreach (var policy in new[] { KeyRateLimits.Triggers, KeyRateLimits.Reads })
        {
            var state = await redisDeadline.WithinAsync(KeyRateLimits.PeekAsync(redis.GetDatabase(), keyId, policy, limits.Value, now));
            states[policy] = new RateLimitResponse(state.Limit, state.Remaining, state.ResetSeconds);
        }

        return TypedResults.Ok(new SelfResponse(key.Id, key.KeyPrefix, key.Name, key.Scope, key.PermissionBreadth, key.TeamId, key.ProjectId,
            key.CreatedByUserId, key.CreatedAt, key.ExpiresAt, key.LastUsedAt, states));
    }

    /// <summary>Not visible → 404; visible but neither super admin, issuer nor team_admin of its team → 403.</summary>
    private static async Task<(ApiKey? Key, ProblemHttpResult? Refused)> ManageableAsync(Guid keyId, HttpContext http, ApiKeyStore keys)
    {
        var user = http.CurrentUser();
        var key = await keys.GetVisibleAsync(keyId, user, http.RequestAborted);
        if (key is null)
        {
            return (null, NotFound("API Key Not Found", $"No API key {keyId} is visible to you."));
        }

        var allowed = user.IsSuperuser || key.CreatedByUserId == user.Id || (key.TeamId is { } team && user.RoleIn(team) == Roles.TeamAdmin);
        return allowed
            ? (key, null)
            : (key, TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only the issuer, a team_admin of the key's team or a super admin manages this key."));
    }

    /// <summary>org ⇒ neither team nor project; team ⇒ a team, no project; project ⇒ a project.</summary>
    private static ProblemHttpResult? ScopeProblem(CreateApiKeyRequest request) => request.Scope switch
    {
        ApiKeyScope.Org when request.TeamId is not null || request.ProjectId is not null =>
            InvalidScope("An org key takes neither team_id nor project_id."),
        ApiKeyScope.Team when request.TeamId is null || request.ProjectId is not null =>
            InvalidScope("A team key takes a team_id and no project_id."),
        ApiKeyScope.Project when request.ProjectId is null =>
            InvalidScope("A project key takes a project_id."),
        _ => null,
    };

    private static ProblemHttpResult InvalidScope(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid API Key Scope", detail: detail);

    private static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}
