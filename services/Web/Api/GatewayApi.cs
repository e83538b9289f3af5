using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Web.Api;

/// <summary>
/// The public API, through the gateway, as the signed-in person: the page holds no data of its own
/// and has no way around the API's access rules. Each call carries the person's access token.
/// </summary>
internal sealed class GatewayApi(HttpClient http)
{
    /// <summary>Optional fields left out rather than sent as null.</summary>
    private static readonly JsonSerializerOptions OmitNulls = new(ApiJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The gateway as service discovery names it.</summary>
    public const string BaseAddress = "http://gateway";

    public async Task<SignInOutcome> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/auth/login", new { email, password }, ApiJson.Options, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ApiJson.Options, cancellationToken)
                ?? throw new InvalidOperationException("The sign-in answer had no body.");
            return new SignInOutcome.SignedIn(token.AccessToken, TimeSpan.FromSeconds(token.ExpiresIn));
        }

        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new SignInOutcome.Refused(),
            HttpStatusCode.TooManyRequests => new SignInOutcome.TooMany(RetryAfter(response)),
            _ => new SignInOutcome.Unavailable(),
        };
    }

    public Task<Me> MeAsync(string token, CancellationToken cancellationToken) =>
        GetAsync<Me>("/auth/me", token, cancellationToken);

    public Task<ListPage<ApiKey>> ApiKeysAsync(string token, int page, CancellationToken cancellationToken) =>
        GetAsync<ListPage<ApiKey>>($"/v1/api-keys?page={page}&page_size=50", token, cancellationToken);

    /// <summary>Every team (super admins only; others know their teams from <see cref="MeAsync"/>).</summary>
    public Task<ListPage<Team>> TeamsAsync(string token, CancellationToken cancellationToken) =>
        GetAsync<ListPage<Team>>("/v1/admin/teams?page_size=200", token, cancellationToken);

    /// <summary>Issues a key: the created key (with its full value, this once) or the API's problem.</summary>
    public async Task<(CreatedApiKey? Key, Problem? Problem)> CreateKeyAsync(string token, NewApiKey key, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Post, "/v1/api-keys", token);
        request.Content = JsonContent.Create(key, options: OmitNulls);
        using var response = await SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<CreatedApiKey>(ApiJson.Options, cancellationToken), null)
            : (null, await ProblemAsync(response, cancellationToken));
    }

    /// <summary>Revokes a key (repeatable); the API's problem when it refused.</summary>
    public Task<Problem?> RevokeKeyAsync(string token, Guid keyId, CancellationToken cancellationToken) =>
        ChangeAsync(Authorized(HttpMethod.Delete, $"/v1/api-keys/{keyId}", token), cancellationToken);

    /// <summary>Narrows a key to read-only; the API's problem when it refused.</summary>
    public Task<Problem?> NarrowKeyAsync(string token, Guid keyId, CancellationToken cancellationToken)
    {
        var request = Authorized(HttpMethod.Patch, $"/v1/api-keys/{keyId}", token);
        request.Content = JsonContent.Create(new { permission_breadth = "read_only" });
        return ChangeAsync(request, cancellationToken);
    }

    /// <summary>The projects the person can see (the first 200; names for the keys' scopes).</summary>
    public Task<ListPage<Project>> ProjectsAsync(string token, CancellationToken cancellationToken) =>
        GetAsync<ListPage<Project>>("/v1/projects?page_size=200", token, cancellationToken);

    private async Task<T> GetAsync<T>(string path, string token, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Get, path, token);
        using var response = await SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken)
            ?? throw new InvalidOperationException($"{path} answered without a body.");
    }

    private async Task<Problem?> ChangeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : await ProblemAsync(response, cancellationToken);
        }
    }

    /// <summary>Sends; a 401 means the person's token is no longer accepted, which ends their session.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new SessionEndedException();
        }

        return response;
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>The API's problem+json (CONTRACT §0); a bare status when the body is not one.</summary>
    private static async Task<Problem> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return new Problem((int)response.StatusCode, "Not possible right now", "Try again in a moment.", null);
        }

        return await response.Content.ReadFromJsonAsync<Problem>(ApiJson.Options, cancellationToken)
            ?? new Problem((int)response.StatusCode, response.ReasonPhrase ?? "Refused", null, null);
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMinutes(1);

    private sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);
}
