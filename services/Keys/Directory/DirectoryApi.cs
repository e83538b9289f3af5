using System.Net.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using TrustedOss.Data;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Data;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Directory;

/// <summary>The directory of users, teams and memberships, under <c>/v1/admin</c>: super admins only (CONTRACT §1).</summary>
internal static class DirectoryApi
{
    public sealed record CreateUserRequest(string? Email, string? Password, string? FullName, bool? IsSuperuser) : IValidatableRequest
    {
        public void Validate(ValidationErrors errors) => errors
            .Check(Email?.Trim() is { Length: <= 254 } email && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email,
                "email", "A valid email address is required.")
            .Check(Password is { Length: >= 8 and <= 256 }, "password", "Password must be 8 to 256 characters.")
            .Check(FullName?.Trim() is { Length: >= 1 and <= 200 }, "full_name", "Full name must be 1 to 200 characters.");
    }

    public sealed record UpdateUserRequest(bool? IsActive) : IValidatableRequest
    {
        public void Validate(ValidationErrors errors) => errors.Check(IsActive is not null, "is_active", "is_active (true or false) is required.");
    }

    public sealed record UserResponse(Guid Id, string Email, string FullName, bool IsSuperuser, bool IsActive, DateTime CreatedAt);

    public sealed record CreateTeamRequest(string? Name) : IValidatableRequest
    {
        public void Validate(ValidationErrors errors) => errors.Check(Name?.Trim() is { Length: >= 1 and <= 100 }, "name", "Name must be 1 to 100 characters.");
    }

    public sealed record TeamResponse(Guid Id, string Name);

    public sealed record MembershipRequest(string? Role) : IValidatableRequest
    {
        public void Validate(ValidationErrors errors) =>
            errors.Check(Role is not null && Roles.All.Contains(Role), "role", $"Role must be one of: {string.Join(", ", Roles.All)}.");
    }

    public sealed record TeamMembershipResponse(Guid TeamId, Guid UserId, string Role);

    public sealed record ListTeamsQuery(
        [FromQuery(Name = "page")] string? Page,
        [FromQuery(Name = "page_size")] string? PageSize);

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("Directory").RequireAuthorization(DirectoryPolicies.SuperAdmin)
            .ValidateRequests().ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

        admin.MapPost("/users", CreateUserAsync).WithSummary("Create a user")
            .ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        admin.MapPatch("/users/{userId:guid}", UpdateUserAsync).WithSummary("Activate or deactivate a user")
            .WithDescription("A deactivated user's tokens and API keys stop working at once; reactivation restores the keys.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/teams", ListTeamsAsync).WithSummary("List every team")
            .WithDescription("Newest first; a team admin sees their own teams in GET /auth/me.")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity);
        admin.MapPost("/teams", CreateTeamAsync).WithSummary("Create a team")
            .ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        admin.MapPut("/teams/{teamId:guid}/members/{userId:guid}", PutMembershipAsync).WithSummary("Add a member to a team or change their role")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        admin.MapDelete("/teams/{teamId:guid}/members/{userId:guid}", DeleteMembershipAsync).WithSummary("Remove a member from a team")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ApiProblem>> CreateUserAsync(
        CreateUserRequest request, CallerIdentity caller, HttpContext http, AuditedChanges changes, IPasswordHasher<UserRow> hasher,
        TimeProvider time)
    {
        var email = request.Email!.Trim();
        var user = new UserRow(Guid.CreateVersion7(time.GetUtcNow()), email, request.FullName!.Trim(), "", request.IsSuperuser ?? false, true,
            time.UtcNowForDatabase());
        user = user with { PasswordHash = hasher.HashPassword(user, request.Password!) };

        await using var change = await changes.BeginAsync(caller, http);
        if (!await DirectoryStore.TryCreateUserAsync(change, user))
        {
            return ApiProblems.Conflict("Email Taken", $"A user with email {email} exists.");
        }

        await change.RecordAsync("users", user.Id, "create", null,
            new { user.Email, user.FullName, user.IsSuperuser, password = AuditedTransaction.Redacted });
        await change.CommitAsync();
        return TypedResults.Created($"/v1/admin/users/{user.Id}", ToResponse(user));
    }

    private static async Task<Results<Ok<UserResponse>, ApiProblem>> UpdateUserAsync(
        Guid userId, UpdateUserRequest request, CallerIdentity caller, HttpContext http, DirectoryStore directory, AuditedChanges changes,
        PeopleChanges people, ApiKeyCache keyCache)
    {
        var isActive = request.IsActive!.Value;
        await using (var change = await changes.BeginAsync(caller, http))
        {
            if (!await DirectoryStore.TrySetActiveAsync(change, userId, isActive))
            {
                return UserNotFound(userId);
            }

            await change.RecordAsync("users", userId, "update", null, new { is_active = isActive });
            await change.CacheStaleAsync(new ApiKeyCacheStale(null, userId));
            await change.CommitAsync();
        }

        // A deactivated person's tokens, and their keys, stop working everywhere (and work again on reactivation); both at once.
        await Task.WhenAll(people.Announce(userId), keyCache.RefreshAfterCommitAsync(new ApiKeyCacheStale(null, userId), http.RequestAborted));
        return TypedResults.Ok(ToResponse((await directory.GetAsync(userId, http.RequestAborted))!));
    }

    private static async Task<Results<Ok<PagedList<TeamResponse>>, ApiProblem>> ListTeamsAsync(
        [AsParameters] ListTeamsQuery query, HttpContext http, DirectoryStore directory)
    {
        return PageRequest.Parse(query.Page, query.PageSize, out var problem) is { } paging
            ? TypedResults.Ok(await directory.ListTeamsAsync(paging, http.RequestAborted))
            : problem!;
    }

    private static async Task<Results<Created<TeamResponse>, ApiProblem>> CreateTeamAsync(
        CreateTeamRequest request, CallerIdentity caller, HttpContext http, AuditedChanges changes, TimeProvider time)
    {
        var team = new TeamResponse(Guid.CreateVersion7(time.GetUtcNow()), request.Name!.Trim());
        await using var change = await changes.BeginAsync(caller, http);
        if (!await DirectoryStore.TryCreateTeamAsync(change, team.Id, team.Name, time.UtcNowForDatabase()))
        {
            return ApiProblems.Conflict("Team Name Taken", $"A team named {team.Name} exists.");
        }

        await change.RecordAsync("teams", team.Id, "create", team.Id, new { team.Name });
        await change.CommitAsync();
        return TypedResults.Created($"/v1/admin/teams/{team.Id}", team);
    }

    private static async Task<Results<Ok<TeamMembershipResponse>, ApiProblem>> PutMembershipAsync(
        Guid teamId, Guid userId, MembershipRequest request, CallerIdentity caller, HttpContext http, AuditedChanges changes,
        PeopleChanges people, ApiKeyCache keyCache, TimeProvider time)
    {
        await using (var change = await changes.BeginAsync(caller, http))
        {
            if (await MissingAsync(change, teamId, userId) is { } missing)
            {
                return missing;
            }

            var previous = await DirectoryStore.PutMembershipAsync(change, teamId, userId, request.Role!, time.UtcNowForDatabase());
            if (previous == request.Role)
            {
                // The same role again changes nothing: no audit row, no cache refresh.
                return TypedResults.Ok(new TeamMembershipResponse(teamId, userId, request.Role!));
            }

            await change.RecordAsync("memberships", userId, previous is null ? "create" : "update", teamId,
                new { team_id = teamId, user_id = userId, role = request.Role, previous_role = previous });
            await IssuerRightsChangedAsync(change, userId);
            await change.CommitAsync();
        }

        await Task.WhenAll(people.Announce(userId), keyCache.RefreshAfterCommitAsync(new ApiKeyCacheStale(null, userId), http.RequestAborted));
        return TypedResults.Ok(new TeamMembershipResponse(teamId, userId, request.Role!));
    }

    private static async Task<Results<NoContent, ApiProblem>> DeleteMembershipAsync(
        Guid teamId, Guid userId, CallerIdentity caller, HttpContext http, AuditedChanges changes, PeopleChanges people, ApiKeyCache keyCache)
    {
        await using (var change = await changes.BeginAsync(caller, http))
        {
            if (await MissingAsync(change, teamId, userId) is { } missing)
            {
                return missing;
            }

            if (!await DirectoryStore.DeleteMembershipAsync(change, teamId, userId))
            {
                return TypedResults.NoContent();
            }

            await change.RecordAsync("memberships", userId, "delete", teamId, new { team_id = teamId, user_id = userId });
            await IssuerRightsChangedAsync(change, userId);
            await change.CommitAsync();
        }

        await Task.WhenAll(people.Announce(userId), keyCache.RefreshAfterCommitAsync(new ApiKeyCacheStale(null, userId), http.RequestAborted));
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A key works only while its issuer may still issue it (see <see cref="ApiKeyStore.EntryAsync"/>):
    /// a role change or removal moves the issuer's keys to a new version and queues their rewrite.
    /// </summary>
    private static async Task IssuerRightsChangedAsync(AuditedTransaction change, Guid userId)
    {
        await DirectoryStore.NewVersionOfIssuedKeysAsync(change, userId);
        await change.CacheStaleAsync(new ApiKeyCacheStale(null, userId));
    }

    private static async Task<ApiProblem?> MissingAsync(AuditedTransaction change, Guid teamId, Guid userId)
    {
        var found = await DirectoryStore.ExistAsync(change, teamId, userId);
        return !found.Team ? TeamNotFound(teamId) : !found.User ? UserNotFound(userId) : null;
    }

    public static ApiProblem TeamNotFound(Guid teamId) => ApiProblems.NotFound("Team Not Found", $"No team {teamId}.");

    private static ApiProblem UserNotFound(Guid userId) => ApiProblems.NotFound("User Not Found", $"No user {userId}.");

    private static UserResponse ToResponse(UserRow user) =>
        new(user.Id, user.Email, user.FullName, user.IsSuperuser, user.IsActive, user.CreatedAt);
}
