using Microsoft.AspNetCore.Http.HttpResults;
using TrustedOss.Access;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.Keys.Projects;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Access;

/// <summary>
/// Calls between our own processes. The gateway routes no /internal path, and each call must
/// carry a verified identity: a service's own, or the caller's forwarded by the gateway. Not in
/// the public API reference.
/// </summary>
internal static class InternalApi
{
    public sealed record LookupRequest(string? Prefix);

    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var internalApi = app.MapGroup("/internal").ExcludeFromDescription();
        internalApi.MapPost("/api-keys/lookup", LookupAsync).RequireAuthorization(CallerPolicies.Service);
        internalApi.MapGet("/projects/{projectId:guid}/access", AccessAsync).RequireAuthorization(CallerPolicies.Caller).AcceptsDelegatedIdentity();
        return app;
    }

    /// <summary>The gateway missed its caches: load the key's entry (and cache it for every gateway).</summary>
    private static async Task<Results<Ok<VerifiedApiKey>, NotFound>> LookupAsync(LookupRequest request, HttpContext http, ApiKeyCache cache)
    {
        if (request.Prefix is not { Length: ApiKeyFormat.PrefixLength } prefix)
        {
            return TypedResults.NotFound();
        }

        var entry = await cache.LookupAsync(prefix, http.RequestAborted);
        return entry is null ? TypedResults.NotFound() : TypedResults.Ok(entry);
    }

    private static async Task<Results<Ok<ProjectAccess>, ApiProblem>> AccessAsync(
        Guid projectId, CallerIdentity caller, HttpContext http, ProjectStore projects, DirectoryStore directory)
    {
        var project = await projects.GetAsync(projectId, http.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound("Project Not Found", $"No project {projectId}.");
        }

        if (caller.IsApiKey)
        {
            return TypedResults.Ok(ProjectAccessRules.ForKey(project, caller));
        }

        if (caller is { IsUser: true, UserId: { } userId } && await directory.CurrentAsync(userId, http.RequestAborted) is { } user)
        {
            return TypedResults.Ok(ProjectAccessRules.ForUser(project, user));
        }

        // A person deactivated (or removed) since their token was issued: their credential is no good.
        return ApiProblems.Unauthorized();
    }
}
