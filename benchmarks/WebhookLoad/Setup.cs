using System.Net.Http.Json;
using System.Text.Json;

namespace TrustedOss.WebhookLoad;

/// <summary>A team, a project on the given repository and its GitHub webhook, made through the public API as the super admin.</summary>
internal static class Setup
{
    public sealed record Project(Guid ProjectId, string Secret, string Token);

    public static async Task<Project> ProjectWithWebhookAsync(Uri gateway, string repository)
    {
        using var client = new HttpClient { BaseAddress = gateway };
        var login = await Json(await client.PostAsJsonAsync("/auth/login", new { email = "admin@trustedoss.local", password = Environment.GetEnvironmentVariable("ADMIN_PASSWORD") ?? "" }));
        var token = login.GetProperty("access_token").GetString()!;
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var team = await Json(await client.PostAsJsonAsync("/v1/admin/teams", new { name = $"load-{Guid.NewGuid():N}" }));
        var project = await Json(await client.PostAsJsonAsync("/v1/projects",
            new { team_id = team.GetProperty("id").GetGuid(), name = "load", git_url = repository }));
        var projectId = project.GetProperty("id").GetGuid();
        var webhook = await Json(await client.PutAsJsonAsync($"/v1/projects/{projectId}/webhook", new { provider = "github" }));
        return new Project(projectId, webhook.GetProperty("secret").GetString()!, token);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }
}
