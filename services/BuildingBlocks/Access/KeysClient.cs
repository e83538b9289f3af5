using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Access;

/// <summary>
/// Asks the Keys service, which owns projects and permissions, what the current caller may do. A
/// person's access follows team membership and is asked every time; an API key's follows only its
/// scope, which travels in the identity, and the project's team, so once a project's facts are
/// known here (<see cref="ProjectFactsCache"/>) a key's access is judged without the call.
/// </summary>
public sealed class KeysClient(HttpClient http, ProjectFactsCache projects)
{
    /// <summary>
    /// The caller's access to the project: null when the project does not exist or the caller may
    /// not see it (both a 404); <c>Refused</c> (the contract's 401) when Keys no longer accepts the
    /// caller, as for a person deactivated since their token was issued.
    /// </summary>
    public async Task<(ProjectAccess? Access, ApiProblem? Refused)> AccessAsync(Guid projectId, HttpContext caller, CancellationToken cancellationToken)
    {
        if (caller.Features.Get<CallerIdentity>() is { IsApiKey: true } key && projects.Find(projectId) is { } known)
        {
            return (KeyScopes.Access(key, projectId, known.TeamId, known.GitUrl), null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/internal/projects/{projectId}/access");
        // The gateway's signed identity of the caller, passed on unchanged: Keys verifies it itself.
        request.Headers.Add(ForwardedIdentity.HeaderName, caller.Request.Headers[ForwardedIdentity.HeaderName].ToString());
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return (null, ApiProblems.Unauthorized());
        }

        response.EnsureSuccessStatusCode();
        var access = await response.Content.ReadFromJsonAsync<ProjectAccess>(ApiJson.Options, cancellationToken);
        if (access is not null)
        {
            projects.Remember(projectId, access);
        }

        return (access is { Visible: true } ? access : null, null);
    }
}
