using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Access;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Data;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.Keys.Projects;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>Issuing, listing, narrowing and revoking API keys (CONTRACT §2); people only, except the key's own view of itself.</summary>
internal static class ApiKeysApi
{
    private static readonly string[] IncludeRevokedValues = ["true", "false"];

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/api-keys").WithTags("API keys").RequireAuthorization(DirectoryPolicies.ActiveUser)
            .ValidateRequests().ProducesProblems(StatusCodes.Status401Unauthorized);
        keys.MapPost("", CreateAsync).WithSummary("Issue an API key")
            .WithDescription("The response is the only time the key itself is shown; only a keyed hash is stored. "
                + "A person may have 100 live keys at once; one more is 409.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status422UnprocessableEntity);
        keys.MapGet("", ListAsync).WithSummary("List the API keys you can see").ProducesProblems(StatusCodes.Status422UnprocessableEntity);
        keys.MapDelete("/{keyId:guid}", RevokeAsync).WithSummary("Revoke an API key")
            .WithDescription("Takes effect on every gateway within a second. Revoking twice is not an error.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        keys.MapPatch("/{keyId:guid}", NarrowAsync).WithSummary("Narrow an API key to read_only")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        // The calling key itself, for a pipeline checking its own credential: API keys only.
        app.MapGet("/v1/api-keys/self", SelfAsync).WithTags("API keys").RequireAuthorization(CallerPolicies.Caller)
            .WithSummary("The calling API key and its current rate-limit windows")
            .WithDescription("API keys only. Counts as a read. `rate_limits` shows the counts every gateway shares, which may not yet "
                + "hold the reads a gateway counted in the last 0.6 s (this one among them); the `RateLimit` header on the same "
                + "answer is the gateway's own count. Near a limit every request is counted in the shared count at once, so the two agree there.")
            .ProducesProblems(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Results<Created<CreatedApiKey>, ApiProblem>> CreateAsync(
        CreateApiKeyRequest request, CurrentUser user, CallerIdentity caller, HttpContext http, DirectoryStore directory, ProjectStore projects,
        ApiKeyCache cache, AuditedChanges changes, IOptions<ApiKeyOptions> options, IOptions<ApiKeyIssuingOptions> issuing, TimeProvider time)
    {
        if (request.ScopeMismatch() is { } mismatch)
        {
            return InvalidScope(mismatch);
        }

        // Resolve what the key is for; a project key also records its project's team.
        var teamId = request.TeamId;
        if (request.Scope == ApiKeyScope.Project)
        {
            var project = await projects.GetAsync(request.ProjectId!.Value, http.RequestAborted);
            if (project is null)
            {
                return ApiProblems.NotFound("Project Not Found", $"No project {request.ProjectId}.");
            }

            if (teamId is not null && teamId != project.TeamId)
            {
                return InvalidScope("team_id does not match the project's team.");
            }

            teamId = project.TeamId;
        }

        if (request.Scope == ApiKeyScope.Team && !await directory.TeamExistsAsync(teamId!.Value, http.RequestAborted))
        {
            return DirectoryApi.TeamNotFound(teamId.Value);
        }

        if (MayNotIssue(user, request.Scope!, teamId) is { } refusal)
        {
            return ApiProblems.Forbidden(refusal);
        }

        var now = time.UtcNowForDatabase();
        CreatedApiKey Described(string rawKey) => new(
            Guid.CreateVersion7(time.GetUtcNow()), rawKey[..ApiKeyFormat.PrefixLength], request.Name!.Trim(), request.Scope!, request.Breadth,
            teamId, request.ProjectId, user.Id, now, request.ExpiresInDays is { } days ? now.AddDays(days) : null, rawKey);

        CreatedApiKey created;
        await using (var change = await changes.BeginAsync(caller, http))
        {
            // The rights judged above, read again under the issuer's lock: a demotion or removal
            // committed since then refuses the key rather than issuing one that cannot be used.
            await ApiKeyStore.LockIssuerAsync(change, user.Id);
            if (await DirectoryStore.CurrentAsync(change, user.Id) is not { } issuer)
            {
                return ApiProblems.Forbidden("This account was deactivated.");
            }

            if (MayNotIssue(issuer, request.Scope!, teamId) is { } revoked)
            {
                return ApiProblems.Forbidden(revoked);
            }

            var limit = issuing.Value.MaxLiveKeysPerUser;
            if (await ApiKeyStore.LiveKeysIssuedByAsync(change, user.Id, now) >= limit)
            {
                return ApiProblems.Conflict("Too Many Keys",
                    $"You have {limit} live API keys, the most one person may have. Revoke one you no longer use first.");
            }

            created = await FreshKey.StoreAsync(ApiKeyFormat.NewKey, Described,
                (key, rawKey) => ApiKeyStore.TryCreateAsync(change, key, options.Value.Hash(rawKey)));
            await change.RecordAsync("api_keys", created.Id, "create", created.TeamId, created with { RawKey = AuditedTransaction.Redacted });
            // A 32-bit prefix may once have been probed and cached as unknown: the new entry replaces it.
            await change.CacheStaleAsync(new ApiKeyCacheStale(created.KeyPrefix, null));
            await change.CommitAsync();
        }

        await cache.RefreshAfterCommitAsync(new ApiKeyCacheStale(created.KeyPrefix, null), http.RequestAborted);
        return TypedResults.Created($"/v1/api-keys/{created.Id}", created);
    }

    private static async Task<Results<Ok<PagedList<ApiKey>>, ApiProblem>> ListAsync(
        [AsParameters] ListApiKeysQuery query, CurrentUser user, HttpContext http, ApiKeyStore keys)
    {
        if (PageRequest.Parse(query.Page, query.PageSize, out var problem) is not { } paging)
        {
            return problem!;
        }

        if (!QueryFilters.TryParseGuid(query.TeamId, "team_id", out var team, out problem)
            || !QueryFilters.TryParseGuid(query.ProjectId, "project_id", out var project, out problem)
            || !QueryFilters.TryParseOneOf(query.Scope, "scope", ApiKeyScope.All, out problem)
            || !QueryFilters.TryParseOneOf(query.IncludeRevoked, "include_revoked", IncludeRevokedValues, out problem))
        {
            return problem;
        }

        var filter = new ApiKeyStore.Filter(query.Scope, team, project, query.IncludeRevoked == "true");
        return TypedResults.Ok(await keys.ListAsync(user, filter, paging, http.RequestAborted));
    }

    private static async Task<Results<NoContent, ApiProblem>> RevokeAsync([AsParameters] KeyChange request, TimeProvider time)
    {
        var revokedAt = time.UtcNowForDatabase();
        var refused = await request.ApplyAsync(async change =>
            await ApiKeyStore.TryRevokeAsync(change, request.KeyId, revokedAt) ? new { revoked_at = revokedAt } : null);
        return refused is null ? TypedResults.NoContent() : refused;
    }

    /// <summary>The body can only say read_only (the group's validation refuses anything else), so only its presence matters here.</summary>
    private static async Task<Results<Ok<ApiKey>, ApiProblem>> NarrowAsync([AsParameters] KeyChange request, UpdateApiKeyRequest body)
    {
        var refused = await request.ApplyAsync(async change =>
            await ApiKeyStore.TryNarrowAsync(change, request.KeyId) ? new { permission_breadth = PermissionBreadth.ReadOnly } : null);
        return refused is null ? TypedResults.Ok((await request.Keys.GetAsync(request.KeyId, request.Http.RequestAborted))!) : refused;
    }

    private static async Task<Results<Ok<SelfResponse>, ApiProblem>> SelfAsync(
        CallerIdentity caller, HttpContext http, ApiKeyStore keys, IConnectionMultiplexer redis, IOptions<KeyRateLimitOptions> limits,
        RedisDeadline redisDeadline, TimeProvider time)
    {
        if (caller is not { IsApiKey: true, ApiKeyId: { } keyId } || await keys.ReadAsync(keyId, http.RequestAborted) is not { } key)
        {
            return ApiProblems.Unauthorized();
        }

        var peeks = await redisDeadline.WithinAsync(KeyRateLimits.PeekAsync(redis.GetDatabase(), keyId, limits.Value, time.GetUtcNow()));
        var states = peeks.ToDictionary(state => state.Policy, state => new RateLimitResponse(state.Limit, state.Remaining, state.ResetSeconds));

        return TypedResults.Ok(new SelfResponse(key.Id, key.KeyPrefix, key.Name, key.Scope, key.PermissionBreadth, key.TeamId, key.ProjectId,
            key.CreatedByUserId, key.CreatedAt, key.ExpiresAt, key.LastUsedAt, states));
    }

    /// <summary>Why the user may not issue a key of this scope for this team, or null when they may.</summary>
    private static string? MayNotIssue(CurrentUser user, string scope, Guid? teamId) => scope switch
    {
        ApiKeyScope.Org when !user.IsSuperuser => "Only super admins issue org keys.",
        ApiKeyScope.Team when !user.Has(Roles.TeamAdmin, teamId) => "Only a team_admin of the team (or a super admin) issues team keys.",
        ApiKeyScope.Project when !user.Has(Roles.Developer, teamId) =>
            "Only a developer or team_admin of the project's team (or a super admin) issues project keys.",
        _ => null,
    };

    private static ApiProblem InvalidScope(string detail) => ApiProblems.Unprocessable("Invalid API Key Scope", detail);
}
