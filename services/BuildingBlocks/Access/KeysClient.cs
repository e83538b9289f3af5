using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Access;

/// <summary>The Keys service found the caller's credential no good (a person deactivated since their token was issued).</summary>
public sealed class CallerRefusedException : Exception
{
    public CallerRefusedException() : base("The caller's identity was refused.") { }
}

/// <summary>Asks the Keys service, which owns projects and permissions, what the current caller may do.</summary>
public sealed class KeysClient(HttpClient http)
{
    /// <summary>The caller's access to the project, or null when the project does not exist.</summary>
    public async Task<ProjectAccess?> AccessAsync(Guid projectId, HttpContext caller, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/internal/projects/{projectId}/access");
        // The gateway's signed identity of the caller, passed on unchanged: Keys verifies it itself.
        request.Headers.Add(ForwardedIdentity.HeaderName, caller.Request.Headers[ForwardedIdentity.HeaderName].ToString());
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new CallerRefusedException();
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ProjectAccess>(ApiJson.Options, cancellationToken);
    }
}
