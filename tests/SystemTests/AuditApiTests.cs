using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>Reading the one audit log (CONTRACT §5).</summary>
[Collection(SystemTestGroup.Name)]
public sealed class AuditApiTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_super_admin_finds_a_new_key_by_table_action_and_actor_with_its_secret_hidden()
    {
        var team = await api.TeamAsync();
        var issuer = await api.UserAsync(team, "team_admin");
        using var issuerClient = api.With(issuer);
        var key = await Api.KeyAsync(issuerClient, "team", teamId: team.Id);
        using var admin = await api.AdminAsync();

        var page = await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/audit?target_table=api_keys&action=create&actor_user_id={issuer.Id}");

        var row = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal((key.Id, team.Id, "api_keys", "create"),
            (row.GetProperty("target_id").GetGuid(), row.GetProperty("team_id").GetGuid(), row.GetProperty("target_table").GetString(),
                row.GetProperty("action").GetString()));
        Assert.Equal("***", row.GetProperty("diff").GetProperty("raw_key").GetString());
        Assert.Equal((1L, 1, false), (page.GetProperty("total").GetInt64(), page.GetProperty("page").GetInt32(), page.GetProperty("has_more").GetBoolean()));
    }

    [Fact]
    public async Task A_revocation_row_names_the_key_and_its_actor()
    {
        var team = await api.TeamAsync();
        var issuer = await api.UserAsync(team, "team_admin");
        using var issuerClient = api.With(issuer);
        var key = await Api.KeyAsync(issuerClient, "team", teamId: team.Id);
        using (var revoked = await issuerClient.DeleteAsync($"/v1/api-keys/{key.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var page = await issuerClient.GetFromJsonAsync<JsonElement>($"/v1/audit?target_table=api_keys&action=update&actor_user_id={issuer.Id}");

        var row = Assert.Single(page.GetProperty("items").EnumerateArray());
        var diff = row.GetProperty("diff");
        Assert.Equal((key.Id, issuer.Email), (row.GetProperty("target_id").GetGuid(), row.GetProperty("actor_email").GetString()));
        Assert.Equal((key.Name, key.KeyPrefix), (diff.GetProperty("name").GetString(), diff.GetProperty("key_prefix").GetString()));
        Assert.True(diff.GetProperty("revoked_at").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task A_new_membership_is_a_create_a_new_role_an_update_with_the_old_one_and_the_same_role_again_nothing()
    {
        var team = await api.TeamAsync();
        var person = await api.UserAsync(team, "viewer");
        using var admin = await api.AdminAsync();
        foreach (var role in new[] { "developer", "developer" })
        {
            (await admin.PutAsJsonAsync($"/v1/admin/teams/{team.Id}/members/{person.Id}", new { role })).EnsureSuccessStatusCode();
        }

        var page = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/audit?target_table=memberships&page_size=50");

        var rows = page.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("target_id").GetGuid() == person.Id)
            .Select(r => (r.GetProperty("action").GetString(), r.GetProperty("diff").GetProperty("role").GetString(),
                r.GetProperty("diff").TryGetProperty("previous_role", out var previous) ? previous.GetString() : null))
            .ToList();
        Assert.Equal([("update", "developer", "viewer"), ("create", "viewer", null)], rows);
    }

    [Fact]
    public async Task A_membership_set_by_many_requests_at_once_is_created_once()
    {
        var team = await api.TeamAsync();
        var person = await api.UserAsync();
        using var admin = await api.AdminAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            admin.PutAsJsonAsync($"/v1/admin/teams/{team.Id}/members/{person.Id}", new { role = "developer" })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var page = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/audit?target_table=memberships&page_size=50");
        var rows = page.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("target_id").GetGuid() == person.Id)
            .Select(r => r.GetProperty("action").GetString()).ToList();
        Assert.Equal(["create"], rows);
    }

    [Fact]
    public async Task The_first_super_admin_made_at_start_is_in_the_log_made_by_no_one_with_the_password_hidden()
    {
        using var admin = await api.AdminAsync();

        // Newest first: the oldest user row is the last page's one row.
        const string Query = "/v1/admin/audit?target_table=users&action=create&page_size=1";
        var total = (await admin.GetFromJsonAsync<JsonElement>(Query)).GetProperty("total").GetInt64();
        var oldest = await admin.GetFromJsonAsync<JsonElement>($"{Query}&page={total}");

        var row = Assert.Single(oldest.GetProperty("items").EnumerateArray());
        Assert.Equal(Api.AdminEmail, row.GetProperty("diff").GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("actor_user_id").ValueKind);
        Assert.Equal(("***", true), (row.GetProperty("diff").GetProperty("password").GetString(), row.GetProperty("diff").GetProperty("is_superuser").GetBoolean()));
    }

    [Fact]
    public async Task A_row_carries_the_servers_request_id_and_the_clients_own_beside_it()
    {
        var team = await api.TeamAsync();
        using var admin = await api.AdminAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/projects")
        {
            Content = JsonContent.Create(new { team_id = team.Id, name = Api.Unique("project"), git_url = GitRepository.NeverContacted("org/ids") }),
        };
        request.Headers.Add("X-Request-ID", "ci-run-7.step-3");
        // A client cannot choose the server's id: the gateway mints its own.
        request.Headers.Add("X-Server-Request-ID", "chosen-by-the-client");
        using var created = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var serverId = Assert.Single(created.Headers.GetValues("X-Server-Request-ID"));
        var projectId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var page = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/audit?target_table=projects&action=create&page_size=200");

        var row = page.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("target_id").GetGuid() == projectId);
        Assert.Matches("^[0-9a-f]{32}$", serverId);
        Assert.Equal((serverId, "ci-run-7.step-3"), (row.GetProperty("request_id").GetString(), row.GetProperty("client_request_id").GetString()));
        Assert.Equal("ci-run-7.step-3", Assert.Single(created.Headers.GetValues("X-Request-ID")));
    }

    [Fact]
    public async Task The_whole_log_is_not_there_for_anyone_but_a_super_admin()
    {
        var team = await api.TeamAsync();
        using var teamAdmin = api.With(await api.UserAsync(team, "team_admin"));
        using var anonymous = system.NewClient();

        using var asTeamAdmin = await teamAdmin.GetAsync("/v1/admin/audit");
        using var asNobody = await anonymous.GetAsync("/v1/admin/audit");

        await Problems.ExpectAsync(asTeamAdmin, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, asNobody.StatusCode);
    }

    [Fact]
    public async Task A_team_admin_reads_only_the_rows_of_the_teams_they_administer()
    {
        var mine = await api.TeamAsync();
        var other = await api.TeamAsync();
        var ownProject = await api.ProjectAsync(mine, GitRepository.NeverContacted("mine/repo"));
        var otherProject = await api.ProjectAsync(other, GitRepository.NeverContacted("other/repo"));
        using var teamAdmin = api.With(await api.UserAsync(mine, "team_admin"));
        using var developer = api.With(await api.UserAsync(mine, "developer"));

        var page = await teamAdmin.GetFromJsonAsync<JsonElement>("/v1/audit?target_table=projects&page_size=200");
        using var asDeveloper = await developer.GetAsync("/v1/audit");

        var targets = page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("target_id").GetGuid()).ToList();
        Assert.Contains(ownProject.Id, targets);
        Assert.DoesNotContain(otherProject.Id, targets);
        Assert.All(page.GetProperty("items").EnumerateArray(), r => Assert.Equal(mine.Id, r.GetProperty("team_id").GetGuid()));
        await Problems.ExpectAsync(asDeveloper, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_time_window_and_small_pages_narrow_the_list()
    {
        var team = await api.TeamAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await api.ProjectAsync(team, GitRepository.NeverContacted("a/one"));
        await api.ProjectAsync(team, GitRepository.NeverContacted("a/two"));
        using var admin = await api.AdminAsync();
        var from = Uri.EscapeDataString(before.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));

        var recent = await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/audit?target_table=projects&from={from}&page_size=1");
        var future = await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/audit?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");

        Assert.Single(recent.GetProperty("items").EnumerateArray());
        Assert.True(recent.GetProperty("total").GetInt64() >= 2);
        Assert.True(recent.GetProperty("has_more").GetBoolean());
        Assert.Equal(0, future.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("action=remove", "action")]
    [InlineData("target_table=secrets", "target_table")]
    [InlineData("actor_user_id=someone", "actor_user_id")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-12-01T10:00:00", "from")]
    [InlineData("from=2026-12-01T10:00:00Z&to=2026-12-01T09:00:00Z", "to")]
    [InlineData("page_size=201", "page_size")]
    public async Task A_bad_filter_is_a_422_naming_it(string query, string field)
    {
        using var admin = await api.AdminAsync();

        using var response = await admin.GetAsync($"/v1/admin/audit?{query}");

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Theory]
    [InlineData("UPDATE audit_log SET action = 'delete'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    public async Task The_log_is_append_only_even_for_the_database_owner(string change)
    {
        await api.TeamAsync();
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        await using var command = new NpgsqlCommand(change, connection);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
    }
}
