using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>Who may issue which key (CONTRACT §2), and what a bad request gets.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class ApiKeyIssuingTests(SystemFixture system)
{
    private readonly Api api = new(system);

    public static TheoryData<string, string, bool, HttpStatusCode> IssuingMatrix() => new()
    {
        // scope, who, in their own team?, expected
        { "org", "super_admin", true, HttpStatusCode.Created },
        { "org", "team_admin", true, HttpStatusCode.Forbidden },
        { "org", "developer", true, HttpStatusCode.Forbidden },
        { "org", "viewer", true, HttpStatusCode.Forbidden },
        { "team", "super_admin", false, HttpStatusCode.Created },
        { "team", "team_admin", true, HttpStatusCode.Created },
        { "team", "team_admin", false, HttpStatusCode.Forbidden },
        { "team", "developer", true, HttpStatusCode.Forbidden },
        { "team", "viewer", true, HttpStatusCode.Forbidden },
        { "project", "super_admin", false, HttpStatusCode.Created },
        { "project", "team_admin", true, HttpStatusCode.Created },
        { "project", "team_admin", false, HttpStatusCode.Forbidden },
        { "project", "developer", true, HttpStatusCode.Created },
        { "project", "developer", false, HttpStatusCode.Forbidden },
        { "project", "viewer", true, HttpStatusCode.Forbidden },
        { "project", "viewer", false, HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(IssuingMatrix))]
    public async Task Issuing_follows_scope_and_role(string scope, string who, bool ownTeam, HttpStatusCode expected)
    {
        var own = await api.TeamAsync();
        var other = await api.TeamAsync();
        var target = ownTeam ? own : other;
        var project = await api.ProjectAsync(target, GitRepository.NeverContacted("org/repo"));
        var user = who == "super_admin" ? await api.UserAsync(superuser: true) : await api.UserAsync(own, who);

        using var client = api.With(user);
        using var response = await client.PostAsJsonAsync("/v1/api-keys", new
        {
            name = "ci",
            scope,
            team_id = scope == "team" ? target.Id : (Guid?)null,
            project_id = scope == "project" ? project.Id : (Guid?)null,
        });

        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (expected == HttpStatusCode.Created)
        {
            Assert.Matches("^tos_[0-9a-f]{8}_[0-9a-f]{32}$", body.GetProperty("raw_key").GetString());
            Assert.Equal(body.GetProperty("raw_key").GetString()![..12], body.GetProperty("key_prefix").GetString());
            Assert.Equal(user.Id, body.GetProperty("created_by_user_id").GetGuid());
            Assert.Equal("read_write", body.GetProperty("permission_breadth").GetString());
            if (scope == "project")
            {
                // A project key also records its project's team.
                Assert.Equal(target.Id, body.GetProperty("team_id").GetGuid());
            }
        }
        else
        {
            Assert.Equal("Forbidden", body.GetProperty("title").GetString());
        }
    }

    public static TheoryData<string, string> InvalidRequests() => new()
    {
        { """{"scope":"org"}""", "name" },
        { $$"""{"name":"{{new string('x', 101)}}","scope":"org"}""", "name" },
        { """{"name":"ci","scope":"galaxy"}""", "scope" },
        { """{"name":"ci","scope":"org","permission_breadth":"admin"}""", "permission_breadth" },
        { """{"name":"ci","scope":"org","expires_in_days":0}""", "expires_in_days" },
        { """{"name":"ci","scope":"org","expires_in_days":1826}""", "expires_in_days" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Invalid_fields_are_named_in_a_validation_error(string body, string field)
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.PostAsync("/v1/api-keys", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Validation Error", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
    }

    [Theory]
    [InlineData("org", true, false)]
    [InlineData("org", false, true)]
    [InlineData("team", false, false)]
    [InlineData("team", true, true)]
    [InlineData("project", false, false)]
    public async Task Incoherent_scope_is_refused(string scope, bool withTeam, bool withProject)
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/repo"));
        using var admin = await api.AdminAsync();

        using var response = await admin.PostAsJsonAsync("/v1/api-keys", new
        {
            name = "ci",
            scope,
            team_id = withTeam ? team.Id : (Guid?)null,
            project_id = withProject ? project.Id : (Guid?)null,
        });

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Invalid API Key Scope", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("team")]
    [InlineData("project")]
    public async Task Unknown_team_or_project_is_not_found(string scope)
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.PostAsJsonAsync("/v1/api-keys", new
        {
            name = "ci",
            scope,
            team_id = scope == "team" ? Guid.NewGuid() : (Guid?)null,
            project_id = scope == "project" ? Guid.NewGuid() : (Guid?)null,
        });

        await Problems.ExpectAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_full_key_is_shown_once_and_never_listed()
    {
        var team = await api.TeamAsync();
        var key = await api.AdminKeyAsync("team", teamId: team.Id);
        using var admin = await api.AdminAsync();

        var listed = await admin.GetStringAsync($"/v1/api-keys?team_id={team.Id}");

        Assert.Contains(key.KeyPrefix, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key.RawKey, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key.RawKey[13..], listed, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);
        var page = JsonDocument.Parse(listed).RootElement;
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal("admin@trustedoss.local", page.GetProperty("items")[0].GetProperty("created_by_email").GetString());
    }

    [Fact]
    public async Task Issuing_a_key_writes_an_audit_row_without_the_secret()
    {
        var team = await api.TeamAsync();
        var issuer = await api.UserAsync(team, "team_admin");
        using var client = api.With(issuer);
        var key = await Api.KeyAsync(client, "team", teamId: team.Id);

        await using var connection = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        await using var query = new NpgsqlCommand(
            "SELECT actor_user_id, team_id, diff::text FROM audit_log WHERE target_table = 'api_keys' AND target_id = @id AND action = 'create'",
            connection);
        query.Parameters.AddWithValue("id", key.Id);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no audit row for the new key");
        Assert.Equal(issuer.Id, reader.GetGuid(0));
        Assert.Equal(team.Id, reader.GetGuid(1));
        var diff = reader.GetString(2);
        Assert.Contains(key.KeyPrefix, diff, StringComparison.Ordinal);
        Assert.DoesNotContain(key.RawKey[13..], diff, StringComparison.Ordinal);
        Assert.False(await reader.ReadAsync(), "more than one audit row for one key");
    }

    [Fact]
    public async Task Expiry_is_recorded_from_expires_in_days()
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.PostAsJsonAsync("/v1/api-keys", new { name = "ci", scope = "org", expires_in_days = 30 });

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var created = body.GetProperty("created_at").GetDateTime();
        var expires = body.GetProperty("expires_at").GetDateTime();
        Assert.Equal(TimeSpan.FromDays(30), expires - created);
    }

    [Fact]
    public async Task A_person_holds_at_most_the_configured_number_of_live_keys()
    {
        // The system tests allow 300 (see SystemFixture); the default is 100.
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/many-keys"));
        using var developer = api.With(await api.UserAsync(team, "developer"));
        var keys = new List<Api.Key>();
        for (var i = 0; i < 300; i++)
        {
            keys.Add(await Api.KeyAsync(developer, "project", projectId: project.Id));
        }

        using var oneTooMany = await developer.PostAsJsonAsync("/v1/api-keys", new { name = "one-too-many", scope = "project", project_id = project.Id });
        await Problems.ExpectAsync(oneTooMany, HttpStatusCode.Conflict, "Too Many Keys");

        using var revoked = await developer.DeleteAsync($"/v1/api-keys/{keys[0].Id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await Api.KeyAsync(developer, "project", projectId: project.Id);
    }
}
