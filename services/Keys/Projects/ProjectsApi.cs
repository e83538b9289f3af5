using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TrustedOss.Data;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Projects;

/// <summary>Projects (CONTRACT §1): people only; an API key gets 401 here.</summary>
internal static class ProjectsApi
{
    public sealed record CreateProjectRequest(Guid? TeamId, string? Name, string? GitUrl) : IValidatableRequest
    {
        public void Validate(ValidationErrors errors) => errors
            .Check(TeamId is not null, "team_id", "team_id is required.")
            .Check(Name?.Trim() is { Length: >= 1 and <= 100 }, "name", "Name must be 1 to 100 characters.")
            .Check(Contracts.GitUrl.IsValid(GitUrl), "git_url",
                "git_url must be an https://, ssh://, git@host:path or file:// repository address, without a password or token.");
    }

    public sealed record ListProjectsQuery(
        [FromQuery(Name = "team_id")] string? TeamId,
        [FromQuery(Name = "page")] string? Page,
        [FromQuery(Name = "page_size")] string? PageSize);

    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/v1/projects").WithTags("Projects").RequireAuthorization(DirectoryPolicies.ActiveUser)
            .ValidateRequests().ProducesProblems(StatusCodes.Status401Unauthorized);
        projects.MapPost("", CreateAsync).WithSummary("Create a project")
            .WithDescription("A team_admin of the team (or a super admin) registers a repository for the team to scan.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status422UnprocessableEntity);
        projects.MapGet("", ListAsync).WithSummary("List the projects you can see")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity);
        projects.MapGet("/{projectId:guid}", GetAsync).WithSummary("Get a project").ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<Project>, ApiProblem>> CreateAsync(
        CreateProjectRequest request, CurrentUser user, CallerIdentity caller, HttpContext http, DirectoryStore directory, AuditedChanges changes,
        TimeProvider time)
    {
        var teamId = request.TeamId!.Value;
        if (!await directory.TeamExistsAsync(teamId, http.RequestAborted))
        {
            return DirectoryApi.TeamNotFound(teamId);
        }

        if (!user.Has(Roles.TeamAdmin, teamId))
        {
            return ApiProblems.Forbidden("Only a team_admin of the team (or a super admin) creates its projects.");
        }

        var project = new Project(Guid.CreateVersion7(time.GetUtcNow()), teamId, request.Name!.Trim(), request.GitUrl!, time.UtcNowForDatabase());
        await using var change = await changes.BeginAsync(caller, http);
        if (!await ProjectStore.TryCreateAsync(change, project))
        {
            return ApiProblems.Conflict("Project Name Taken", $"The team already has a project named {project.Name}.");
        }

        await change.RecordAsync("projects", project.Id, "create", project.TeamId, project);
        await change.CommitAsync();
        return TypedResults.Created($"/v1/projects/{project.Id}", project);
    }

    private static async Task<Results<Ok<PagedList<Project>>, ApiProblem>> ListAsync(
        [AsParameters] ListProjectsQuery query, CurrentUser user, HttpContext http, ProjectStore projects)
    {
        if (PageRequest.Parse(query.Page, query.PageSize, out var problem) is not { } paging)
        {
            return problem!;
        }

        if (!QueryFilters.TryParseGuid(query.TeamId, "team_id", out var team, out problem))
        {
            return problem;
        }

        return TypedResults.Ok(await projects.ListAsync(user, team, paging, http.RequestAborted));
    }

    private static async Task<Results<Ok<Project>, ApiProblem>> GetAsync(Guid projectId, CurrentUser user, HttpContext http, ProjectStore projects)
    {
        var project = await projects.GetAsync(projectId, http.RequestAborted);
        return project is not null && (user.IsSuperuser || user.RoleIn(project.TeamId) is not null)
            ? TypedResults.Ok(project)
            : ApiProblems.NotFound("Project Not Found", $"No project {projectId} is visible to you.");
    }
}
