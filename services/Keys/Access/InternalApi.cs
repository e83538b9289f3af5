using Microsoft.AspNetCore.Http.HttpResults;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.People;
using TrustedOss.Keys.Projects;
using TrustedOss.ServiceDefaults.ApiKeys;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Access;

/// <summary>
/// Calls between our own processes. The gateway routes no /internal path, and each call must
/// carry a verified identity: a service's own, or the caller's forwarded by the gateway.
/// </summary>
internal static class InternalApi
{
    public sealed record LookupRequest(string? Prefix);

    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var internalApi = app.MapGroup("/internal").RequireCaller();
        internalApi.MapPost("/api-keys/lookup", LookupAsync);
        internalApi.MapGet("/projects/{projectId:guid}/access", AccessAsync);
        return app;
    }

    /// <summary>The gateway missed its caches: load the key's entry (and cache it for every gateway).</summary>
    private static async Task<Results<Ok<VerifiedApiKey>, NotFound, ProblemHttpResult>> LookupAsync(
        LookupRequest request, HttpContext http, ApiKeyCache cache)
    {
        if (http.Caller()?.Kind != CallerIdentity.Service)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only services look up keys.");
        }

        if (request.Prefix is null || request.Prefix.Length != ApiKeyFormat.PrefixLength)
        {
            return TypedResults.NotFound();
        }

        var entry = await cache.LookupAsync(request.Prefix, http.RequestAborted);
        return entry is null ? TypedResults.NotFound() : TypedResults.Ok(entry);
    }

    private static async Task<IResult> AccessAsync(
        Guid projectId, HttpContext http, ProjectStore projects, PeopleStore people)
    {
        var caller = http.Caller()!;
        var project = await projects.GetAsync(projectId, http.RequestAborted);
        if (project is null)
        {
            return ProjectNotFound(projectId);
        }

        if (caller.IsApiKey)
        {
            return TypedResults.Ok(ProjectAccess.ForKey(project, caller));
        }

        if (caller is { IsUser: true, UserId: { } userId } && await people.CurrentAsync(userId, http.RequestAborted) is { } user)
        {
            return TypedResults.Ok(ProjectAccess.ForUser(project, user));
        }

        // A person deactivated (or removed) since their token was issued: their credential is no good.
        return AuthenticationRequired.Result(http);
    }

    private static ProblemHttpResult ProjectNotFound(Guid projectId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Project Not Found", detail: $"No project {projectId}.");
}
