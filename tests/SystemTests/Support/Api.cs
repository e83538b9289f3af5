using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// Sets up people, teams, projects and keys through the public API, as an operator would. Every
/// name is unique, so tests never see each other's data.
/// </summary>
internal sealed class Api(SystemFixture system)
{
    public const string AdminEmail = "admin@trustedoss.local";
    public const string AdminPassword = "trustedoss-admin";
    public const string UserPassword = "correct-horse-battery";

    public sealed record Team(Guid Id, string Name);

    public sealed record User(Guid Id, string Email, string Token);

    public sealed record Project(Guid Id, Guid TeamId, string Name, string GitUrl);

    public sealed record Key(Guid Id, string KeyPrefix, string Name, string Scope, string PermissionBreadth, Guid? TeamId, Guid? ProjectId, string RawKey);

    public static string Unique(string what) => $"{what}-{Guid.NewGuid():N}"[..Math.Min(what.Length + 13, 60)];

    /// <summary>
    /// Signs in as a client following the contract would: a 503 with Retry-After (a dependency
    /// briefly unavailable, as after the restart and connection-loss tests, when a pooled database
    /// connection the server ended is met once) is retried after the indicated delay, a few times.
    /// Any other answer but 200 fails the calling test.
    /// </summary>
    public async Task<string> LoginAsync(string email, string password)
    {
        using var client = system.NewClient();
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.PostAsJsonAsync("/auth/login", new { email, password });
            if (response is { StatusCode: HttpStatusCode.ServiceUnavailable, Headers.RetryAfter.Delta: { } delay } && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds, 2)));
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("access_token").GetString()!;
        }
    }

    private string? adminToken;

    public async Task<HttpClient> AdminAsync() => system.NewClient(adminToken ??= await LoginAsync(AdminEmail, AdminPassword));

    /// <summary>A client carrying an API key.</summary>
    public HttpClient With(Key key) => system.NewClient(key.RawKey);

    /// <summary>A client carrying a person's access token.</summary>
    public HttpClient With(User user) => system.NewClient(user.Token);

    public async Task<Team> TeamAsync(string? name = null)
    {
        using var admin = await AdminAsync();
        return await CreatedAsync<Team>(await admin.PostAsJsonAsync("/v1/admin/teams", new { name = name ?? Unique("team") }));
    }

    /// <summary>A new user, with the given role in the team when one is given.</summary>
    public async Task<User> UserAsync(Team? team = null, string? role = null, bool superuser = false)
    {
        using var admin = await AdminAsync();
        var email = $"{Unique("user")}@example.com";
        var created = await CreatedAsync<JsonElement>(await admin.PostAsJsonAsync("/v1/admin/users",
            new { email, password = UserPassword, full_name = "Test User", is_superuser = superuser }));
        var id = created.GetProperty("id").GetGuid();
        if (team is not null && role is not null)
        {
            using var member = await admin.PutAsJsonAsync($"/v1/admin/teams/{team.Id}/members/{id}", new { role });
            Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        }

        return new User(id, email, await LoginAsync(email, UserPassword));
    }

    public async Task<Project> ProjectAsync(Team team, string gitUrl)
    {
        using var admin = await AdminAsync();
        return await CreatedAsync<Project>(await admin.PostAsJsonAsync("/v1/projects", new { team_id = team.Id, name = Unique("project"), git_url = gitUrl }));
    }

    public static async Task<Key> KeyAsync(HttpClient issuer, string scope, Guid? teamId = null, Guid? projectId = null, string breadth = "read_write")
    {
        using var response = await issuer.PostAsJsonAsync("/v1/api-keys",
            new { name = Unique("ci-key"), scope, team_id = teamId, project_id = projectId, permission_breadth = breadth });
        return await CreatedAsync<Key>(response);
    }

    public async Task<Key> AdminKeyAsync(string scope, Guid? teamId = null, Guid? projectId = null, string breadth = "read_write")
    {
        using var admin = await AdminAsync();
        return await KeyAsync(admin, scope, teamId, projectId, breadth);
    }

    private static async Task<T> CreatedAsync<T>(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<T>(Json.Api))!;
        }
    }
}
