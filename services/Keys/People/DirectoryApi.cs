using System.Net.Mail;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Audit;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Keys.People;

/// <summary>Users, teams and memberships: super admins only (CONTRACT §1).</summary>
internal static class DirectoryApi
{
    public sealed record CreateUserRequest(string? Email, string? Password, string? FullName, bool? IsSuperuser);

    public sealed record UpdateUserRequest(bool? IsActive);

    public sealed record UserResponse(Guid Id, string Email, string FullName, bool IsSuperuser, bool IsActive, DateTime CreatedAt);

    public sealed record CreateTeamRequest(string? Name);

    public sealed record TeamResponse(Guid Id, string Name);

    public sealed record MembershipRequest(string? Role);

    public sealed record MembershipResponse(Guid TeamId, Guid UserId, string Role);

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").RequireActiveUser().AddEndpointFilter(async (context, next) =>
            context.HttpContext.CurrentUser().IsSuperuser
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only super admins manage the directory."));

        admin.MapPost("/users", CreateUserAsync);
        admin.MapPatch("/users/{userId:guid}", UpdateUserAsync);
        admin.MapPost("/teams", CreateTeamAsync);
        admin.MapPut("/teams/{teamId:guid}/members/{userId:guid}", PutMembershipAsync);
        admin.MapDelete("/teams/{teamId:guid}/members/{userId:guid}", DeleteMembershipAsync);
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> CreateUserAsync(
        CreateUserRequest request, HttpContext http, NpgsqlDataSource db, IPasswordHasher<UserRow> hasher, AuditLog audit, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        var email = request.Email?.Trim();
        if (email is null || email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            errors["email"] = ["A valid email address is required."];
        }

        if (request.Password is null || request.Password.Length is < 8 or > 256)
        {
            errors["password"] = ["Password must be 8 to 256 characters."];
        }

        var fullName = request.FullName?.Trim();
        if (string.IsNullOrEmpty(fullName) || fullName.Length > 200)
        {
            errors["full_name"] = ["Full name must be 1 to 200 characters."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var user = new UserRow(Guid.CreateVersion7(time.GetUtcNow()), email!, fullName!, "", request.IsSuperuser ?? false, true, time.UtcNowForDatabase());
        user = user with { PasswordHash = hasher.HashPassword(user, request.Password!) };

        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO users (id, email, full_name, password_hash, is_superuser, is_active, created_at)
            VALUES (@Id, @Email, @FullName, @PasswordHash, @IsSuperuser, true, @CreatedAt)
            ON CONFLICT (lower(email)) DO NOTHING
            """, user, transaction, cancellationToken: http.RequestAborted));
        if (inserted == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email Taken", detail: $"A user with email {email} exists.");
        }

        await audit.WriteAsync(transaction, http, "users", user.Id, "create", null,
            new { user.Email, user.FullName, user.IsSuperuser, password = AuditLog.Redacted });
        await transaction.CommitAsync(http.RequestAborted);
        return TypedResults.Created($"/v1/admin/users/{user.Id}", ToResponse(user));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UpdateUserAsync(
        Guid userId, UpdateUserRequest request, HttpContext http, NpgsqlDataSource db, PeopleStore people, AuditLog audit, ApiKeyCache keyCache)
    {
        if (request.IsActive is not { } isActive)
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["is_active"] = ["is_active (true or false) is required."] });
        }

        await using (var connection = await db.OpenConnectionAsync(http.RequestAborted))
        await using (var transaction = await connection.BeginTransactionAsync(http.RequestAborted))
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET is_active = @isActive WHERE id = @userId", new { userId, isActive }, transaction, cancellationToken: http.RequestAborted));
            if (updated == 0)
            {
                return UserNotFound(userId);
            }

            // Their keys' cached state changes with them: a new version lets the refresh below win.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET version = version + 1 WHERE created_by_user_id = @userId", new { userId }, transaction, cancellationToken: http.RequestAborted));

            await audit.WriteAsync(transaction, http, "users", userId, "update", null, new { is_active = isActive });
            await transaction.CommitAsync(http.RequestAborted);
        }

        // A deactivated issuer's keys stop working everywhere (and work again on reactivation).
        await keyCache.RefreshIssuerAsync(userId, http.RequestAborted);
        var user = await people.GetAsync(userId, http.RequestAborted);
        return TypedResults.Ok(ToResponse(user!));
    }

    private static async Task<Results<Created<TeamResponse>, ProblemHttpResult>> CreateTeamAsync(
        CreateTeamRequest request, HttpContext http, NpgsqlDataSource db, AuditLog audit, TimeProvider time)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["name"] = ["Name must be 1 to 100 characters."] });
        }

        var team = new TeamResponse(Guid.CreateVersion7(time.GetUtcNow()), name);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO teams (id, name, created_at) VALUES (@Id, @Name, @now) ON CONFLICT (name) DO NOTHING",
            new { team.Id, team.Name, now = time.UtcNowForDatabase() }, transaction, cancellationToken: http.RequestAborted));
        if (inserted == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Team Name Taken", detail: $"A team named {name} exists.");
        }

        await audit.WriteAsync(transaction, http, "teams", team.Id, "create", team.Id, new { team.Name });
        await transaction.CommitAsync(http.RequestAborted);
        return TypedResults.Created($"/v1/admin/teams/{team.Id}", team);
    }

    private static async Task<Results<Ok<MembershipResponse>, ProblemHttpResult>> PutMembershipAsync(
        Guid teamId, Guid userId, MembershipRequest request, HttpContext http, NpgsqlDataSource db, AuditLog audit, TimeProvider time)
    {
        if (request.Role is null || !Roles.All.Contains(request.Role))
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["role"] = [$"Role must be one of: {string.Join(", ", Roles.All)}."] });
        }

        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
        if (await MissingAsync(connection, transaction, teamId, userId, http.RequestAborted) is { } missing)
        {
            return missing;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO memberships (team_id, user_id, role, created_at) VALUES (@teamId, @userId, @role, @now)
            ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role
            """,
            new { teamId, userId, role = request.Role, now = time.UtcNowForDatabase() }, transaction, cancellationToken: http.RequestAborted));
        await audit.WriteAsync(transaction, http, "memberships", userId, "update", teamId, new { team_id = teamId, user_id = userId, role = request.Role });
        await transaction.CommitAsync(http.RequestAborted);
        return TypedResults.Ok(new MembershipResponse(teamId, userId, request.Role));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMembershipAsync(
        Guid teamId, Guid userId, HttpContext http, NpgsqlDataSource db, AuditLog audit)
    {
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
        if (await MissingAsync(connection, transaction, teamId, userId, http.RequestAborted) is { } missing)
        {
            return missing;
        }

        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM memberships WHERE team_id = @teamId AND user_id = @userId", new { teamId, userId }, transaction, cancellationToken: http.RequestAborted));
        if (deleted > 0)
        {
            await audit.WriteAsync(transaction, http, "memberships", userId, "delete", teamId, new { team_id = teamId, user_id = userId });
        }

        await transaction.CommitAsync(http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<ProblemHttpResult?> MissingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, Guid userId, CancellationToken cancellationToken)
    {
        var found = await connection.QuerySingleAsync<(bool Team, bool User)>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM teams WHERE id = @teamId), EXISTS (SELECT 1 FROM users WHERE id = @userId)",
            new { teamId, userId }, transaction, cancellationToken: cancellationToken));
        return !found.Team
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Team Not Found", detail: $"No team {teamId}.")
            : !found.User ? UserNotFound(userId) : null;
    }

    private static ProblemHttpResult UserNotFound(Guid userId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "User Not Found", detail: $"No user {userId}.");

    private static UserResponse ToResponse(UserRow user) =>
        new(user.Id, user.Email, user.FullName, user.IsSuperuser, user.IsActive, user.CreatedAt);
}
