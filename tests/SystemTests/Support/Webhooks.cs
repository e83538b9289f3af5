using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// A project's webhook as its team_admin sets it up, and deliveries as GitHub and GitLab send them:
/// the providers' published example payloads pointed at the test's repository, signed as each
/// provider signs.
/// </summary>
internal sealed class Webhooks(SystemFixture system, Api api) : IDisposable
{
    /// <summary>The "provider": one client address of its own, so per-address limits count its deliveries alone.</summary>
    private readonly HttpClient provider = system.NewClient();

    public sealed record Settings(Guid ProjectId, string Provider, string WebhookUrl, DateTime CreatedAt, DateTime? RotatedAt,
        DateTime? PreviousSecretExpiresAt, string? Secret);

    public sealed record Answer(string Status, string DeliveryId, Guid? ScanId);

    /// <summary>Sets the project's webhook as the super admin; returns the secret (shown only now).</summary>
    public async Task<string> SetAsync(Guid projectId, string provider)
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.PutAsJsonAsync($"/v1/projects/{projectId}/webhook", new { provider });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Settings>(Json.Api))!.Secret!;
    }

    /// <summary>A published example payload whose repository is <paramref name="repositoryUrl"/>, pushed or opened at <paramref name="gitRef"/> and <paramref name="sha"/>.</summary>
    public static byte[] Payload(string fixture, string repositoryUrl, string gitRef = "main", string? sha = null)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "webhooks", $"{fixture}.json")))!;
        foreach (var (owner, fields) in new[]
        {
            ("repository", new[] { "clone_url", "ssh_url", "git_url", "html_url" }),
            ("project", new[] { "git_http_url", "git_ssh_url", "web_url" }),
        })
        {
            if (json[owner] is JsonObject repository)
            {
                foreach (var field in fields)
                {
                    repository[field] = repositoryUrl;
                }
            }
        }

        if (json["ref"] is not null)
        {
            json["ref"] = $"refs/heads/{gitRef}";
            json["after"] = sha ?? json["after"]?.GetValue<string>();
            if (json["checkout_sha"] is not null)
            {
                json["checkout_sha"] = sha;
            }
        }

        if (json["pull_request"]?["head"] is JsonObject head)
        {
            head["ref"] = gitRef;
            head["sha"] = sha ?? head["sha"]!.GetValue<string>();
        }

        if (json["object_attributes"] is JsonObject request)
        {
            request["source_branch"] = gitRef;
            request["last_commit"]!["id"] = sha ?? request["last_commit"]!["id"]!.GetValue<string>();
        }

        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    public async Task<HttpResponseMessage> GitHubAsync(string secret, string eventName, byte[] body, string? deliveryId = null)
    {
        using var request = Delivery("/v1/webhooks/github", body);
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return await provider.SendAsync(request);
    }

    public async Task<HttpResponseMessage> GitLabAsync(string token, string eventName, byte[] body, string? idempotencyKey = null, string? eventUuid = null)
    {
        using var request = Delivery("/v1/webhooks/gitlab", body);
        request.Headers.Add("X-Gitlab-Event", eventName);
        request.Headers.Add("X-Gitlab-Token", token);
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Gitlab-Event-UUID", eventUuid ?? Guid.NewGuid().ToString());
        return await provider.SendAsync(request);
    }

    /// <summary>A delivery with exactly these headers, as a misconfigured sender or a prober might send it.</summary>
    public async Task<HttpResponseMessage> SendAsync(string providerName, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = Delivery($"/v1/webhooks/{providerName}", body);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await provider.SendAsync(request);
    }

    /// <summary>A GitLab delivery signed with the secret as a signing token (Standard Webhooks), sent at <paramref name="sentAt"/>.</summary>
    public async Task<HttpResponseMessage> GitLabSignedAsync(string signingToken, string eventName, byte[] body, DateTimeOffset sentAt)
    {
        var id = Guid.NewGuid().ToString();
        var timestamp = sentAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(signingToken["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        using var request = Delivery("/v1/webhooks/gitlab", body);
        request.Headers.Add("X-Gitlab-Event", eventName);
        request.Headers.Add("Idempotency-Key", id);
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)));
        return await provider.SendAsync(request);
    }

    public static async Task<Answer> AnsweredAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<Answer>(Json.Api))!;
        }
    }

    /// <summary>The project's stored deliveries, newest first, as its team_admin sees them.</summary>
    public async Task<JsonElement[]> DeliveriesAsync(Guid projectId)
    {
        using var admin = await api.AdminAsync();
        var page = await admin.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/webhook/deliveries");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    public void Dispose() => provider.Dispose();

    private static HttpRequestMessage Delivery(string path, byte[] body) => new(HttpMethod.Post, path)
    {
        Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
    };
}
