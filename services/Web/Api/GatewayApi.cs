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

    public Task<SignedInPerson> MeAsync(string token, CancellationToken cancellationToken) =>
        GetAsync<SignedInPerson>("/auth/me", token, cancellationToken);

    /// <summary>A page of the keys the person may see; <paramref name="filter"/> is the API's own query (scope, team_id…).</summary>
    public Task<(ListPage<ApiKey>? Keys, Problem? Problem)> ApiKeysAsync(string token, string filter, int page, CancellationToken cancellationToken) =>
        TryGetAsync<ListPage<ApiKey>>($"/v1/api-keys?{filter}&page={page}&page_size={PageSize}", token, cancellationToken);

    /// <summary>Every team (super admins only; others know their teams from <see cref="MeAsync"/>).</summary>
    public Task<IReadOnlyList<Team>> TeamsAsync(string token, CancellationToken cancellationToken) =>
        EveryPageAsync<Team>("/v1/admin/teams", token, team => team.Id, cancellationToken);

    /// <summary>Issues a key: the created key (with its full value, this once) or the API's problem.</summary>
    public Task<(CreatedApiKey? Key, Problem? Problem)> CreateKeyAsync(string token, NewApiKey key, CancellationToken cancellationToken) =>
        SendForAsync<CreatedApiKey>(HttpMethod.Post, "/v1/api-keys", token, key, cancellationToken);

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

    /// <summary>Every project the person can see (names for the keys' scopes, the pickers, the webhooks).</summary>
    public Task<IReadOnlyList<Project>> ProjectsAsync(string token, CancellationToken cancellationToken) =>
        EveryPageAsync<Project>("/v1/projects", token, project => project.Id, cancellationToken);

    public Task<(Project? Project, Problem? Problem)> ProjectAsync(string token, Guid projectId, CancellationToken cancellationToken) =>
        TryGetAsync<Project>($"/v1/projects/{projectId}", token, cancellationToken);

    /// <summary>A project's webhook, or the API's problem (404 "Webhook Not Set" before the first one).</summary>
    public Task<(Webhook? Webhook, Problem? Problem)> WebhookAsync(string token, Guid projectId, CancellationToken cancellationToken) =>
        TryGetAsync<Webhook>($"/v1/projects/{projectId}/webhook", token, cancellationToken);

    /// <summary>Sets the provider and a new secret at once (the answer shows the secret, this once).</summary>
    public Task<(Webhook? Webhook, Problem? Problem)> SetWebhookAsync(string token, Guid projectId, string provider, CancellationToken cancellationToken) =>
        SendForAsync<Webhook>(HttpMethod.Put, $"/v1/projects/{projectId}/webhook", token, new { provider }, cancellationToken);

    /// <summary>A new secret; the previous one keeps verifying for <paramref name="graceHours"/>.</summary>
    public Task<(Webhook? Webhook, Problem? Problem)> RotateWebhookAsync(string token, Guid projectId, int graceHours, CancellationToken cancellationToken) =>
        SendForAsync<Webhook>(HttpMethod.Post, $"/v1/projects/{projectId}/webhook/rotate", token, new { grace_hours = graceHours }, cancellationToken);

    public Task<(ListPage<Delivery>? Deliveries, Problem? Problem)> DeliveriesAsync(string token, Guid projectId, int page, CancellationToken cancellationToken) =>
        TryGetAsync<ListPage<Delivery>>($"/v1/projects/{projectId}/webhook/deliveries?page={page}&page_size={PageSize}", token, cancellationToken);

    /// <summary>The scans a key triggered that the person may read, newest first.</summary>
    public Task<(RecentScans? Scans, Problem? Problem)> RecentScansAsync(string token, Guid keyId, CancellationToken cancellationToken) =>
        TryGetAsync<RecentScans>($"/v1/scans?api_key_id={keyId}&page_size={PageSize}", token, cancellationToken);

    public Task<(Scan? Scan, Problem? Problem)> ScanAsync(string token, Guid scanId, CancellationToken cancellationToken) =>
        TryGetAsync<Scan>($"/v1/scans/{scanId}", token, cancellationToken);

    /// <summary>A scan's SBOM as the API sends it (the caller streams and disposes it); null when there is none to give.</summary>
    /// <summary>The SBOM's answer, unread, when it is there; else the status the API gave instead.</summary>
    public async Task<(HttpResponseMessage? Sbom, HttpStatusCode Status)> SbomAsync(string token, Guid scanId, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Get, $"/v1/scans/{scanId}/sbom", token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new SessionEndedException();
        }

        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            return (null, response.StatusCode);
        }

        return (response, response.StatusCode);
    }

    /// <summary>A page of the audit log: the super admins' whole log, or the team admins' view of their teams.</summary>
    public Task<(ListPage<AuditEntry>? Entries, Problem? Problem)> AuditAsync(
        string token, bool wholeLog, string filter, int page, CancellationToken cancellationToken) =>
        TryGetAsync<ListPage<AuditEntry>>($"/v1/{(wholeLog ? "admin/audit" : "audit")}?{filter}&page={page}&page_size={PageSize}", token, cancellationToken);

    /// <summary>Rows a page of any list shows.</summary>
    public const int PageSize = 50;

    private Task<(T? Value, Problem? Problem)> TryGetAsync<T>(string path, string token, CancellationToken cancellationToken)
        where T : class =>
        ExchangeAsync<T>(Authorized(HttpMethod.Get, path, token), cancellationToken);

    /// <summary>Sends a JSON body (optional fields left out rather than sent as null).</summary>
    private Task<(T? Value, Problem? Problem)> SendForAsync<T>(HttpMethod method, string path, string token, object body, CancellationToken cancellationToken)
        where T : class
    {
        var request = Authorized(method, path, token);
        request.Content = JsonContent.Create(body, options: OmitNulls);
        return ExchangeAsync<T>(request, cancellationToken);
    }

    /// <summary>The answer's body, or the API's problem when it refused.</summary>
    private async Task<(T? Value, Problem? Problem)> ExchangeAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
        where T : class
    {
        using (request)
        {
            using var response = await SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken), null)
                : (null, await ProblemAsync(response, cancellationToken));
        }
    }

    /// <summary>The largest page the API serves (CONTRACT §0).</summary>
    internal const int LargestPage = 200;

    /// <summary>
    /// Every item of a list, a page of <see cref="LargestPage"/> at a time until the list's total.
    /// Lists are newest first, so an item added while paging pushes the rest one place on: an item
    /// seen twice is kept once, and the pages go on until as many distinct items as the total.
    /// </summary>
    private async Task<IReadOnlyList<T>> EveryPageAsync<T>(string path, string token, Func<T, Guid> id, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        var seen = new HashSet<Guid>();
        for (var page = 1; ; page++)
        {
            var answer = await GetAsync<ListPage<T>>($"{path}?page={page}&page_size={LargestPage}", token, cancellationToken);
            items.AddRange(answer.Items.Where(item => seen.Add(id(item))));
            if (answer.Items.Count < LargestPage || items.Count >= answer.Total)
            {
                return items;
            }
        }
    }

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
