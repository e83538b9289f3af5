using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TrustedOss.Keys.Audit;
using TrustedOss.Keys.People;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Keys.Projects;

/// <summary>Projects (CONTRACT §1): people only; an API key gets 401 here.</summary>
internal static class ProjectsApi
{
    public sealed record CreateProjectRequest(Guid? TeamId, string? Name, string? GitUrl);

    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/v1/projects").RequireActiveUser();
        projects.MapPost("/", CreateAsync);
        projects.MapGet("/", ListAsync);
        projects.MapGet("/{projectId:guid}", GetAsync);
        return app;
    }

    private static async Task<Results<Created<Project>, ProblemHttpResult>> CreateAsync(
        CreateProjectRequest request, HttpContext http, NpgsqlDataSource db, AuditLog audit, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.TeamId is null)
        {
            errors["team_id"] = ["team_id is required."];
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            errors["name"] = ["Name must be 1 to 100 characters."];
        }

        if (!GitUrl.IsValid(request.GitUrl))
        {
            errors["git_url"] = ["git_url must be an https://, ssh://, git@host:path or file:// repository address, without a password or token."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var user = http.CurrentUser();
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
        var teamExists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM teams WHERE id = @teamId)", new { teamId = request.TeamId }, transaction, cancellationToken: http.RequestAborted));
        if (!teamExists)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Team Not Found", detail: $"No team {request.TeamId}.");
        }

        if (!user.Has(Roles.TeamAdmin, request.TeamId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only a team_admin of the team (or a super admin) creates its projects.");
        }

        var project = new Project(Guid.CreateVersion7(time.GetUtcNow()), request.TeamId!.Value, name!, request.GitUrl!, time.UtcNowForDatabase());
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO projects (id, team_id, name, git_url, created_at) VALUES (@Id, @TeamId, @Name, @GitUrl, @CreatedAt)
            ON CONFLICT (team_id, name) DO NOTHING
            """, project, transaction, cancellationToken: http.RequestAborted));
        if (inserted == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Project Name Taken",
                detail: $"The team already has a project named {name}.");
        }

        await audit.WriteAsync(transaction, http, "projects", project.Id, "create", project.TeamId, project);
        await transaction.CommitAsync(http.RequestAborted);
        return TypedResults.Created($"/v1/projects/{project.Id}", project);
    }

    private static async Task<Results<Ok<PagedList<Project>>, ProblemHttpResult>> ListAsync(
        HttpContext http, ProjectStore projects,
        [FromQuery(Name = "team_id")] string? teamId, string? page, [FromQuery(Name = "page_size")] string? pageSize)
    {
        var paging = PageRequest.Parse(page, pageSize, out var problem);
        if (paging is null)
        {
            return problem!;
        }

        if (!QueryFilters.TryParseGuid(teamId, "team_id", out var team, out problem))
        {
            return problem;
        }

        return TypedResults.Ok(await projects.ListAsync(http.CurrentUser(), team, paging, http.RequestAborted));
    }

    private static async Task<Results<Ok<Project>, ProblemHttpResult>> GetAsync(Guid projectId, HttpContext http, ProjectStore projects)
    {
        var user = http.CurrentUser();
        var project = await projects.GetAsync(projectId, http.RequestAborted);
        return project is not null && (user.IsSuperuser || user.RoleIn(project.TeamId) is not null)
            ? TypedResults.Ok(project)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Project Not Found", detail: $"No project {projectId} is visible to you.");
    }
}
