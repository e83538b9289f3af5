using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>Signing in, the directory and projects (CONTRACT §1).</summary>
[Collection(SystemTestGroup.Name)]
public sealed class PeopleTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_answer()
    {
        var user = await api.UserAsync();
        using var client = system.NewClient();

        using var wrongPassword = await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "not-the-password" });
        using var unknownEmail = await client.PostAsJsonAsync("/auth/login", new { email = NobodysEmail(), password = "not-the-password" });

        var first = await Problems.ExpectAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var second = await Problems.ExpectAsync(unknownEmail, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid Credentials", first.GetProperty("title").GetString());
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_forged_X_Forwarded_For_does_not_change_the_address_a_login_is_counted_against()
    {
        using var client = system.NewClient();
        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(15));
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
            {
                Content = JsonContent.Create(new { email = NobodysEmail(), password = "guess" }),
            };
            request.Headers.Add("X-Forwarded-For", $"127.9.9.{attempt}");
            using var allowed = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = JsonContent.Create(new { email = Api.AdminEmail, password = Api.AdminPassword }),
        };
        forged.Headers.Add("X-Forwarded-For", "127.9.9.99");
        using var throttled = await client.SendAsync(forged);

        await Problems.ExpectAsync(throttled, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task The_sixth_login_attempt_in_a_minute_from_one_address_is_throttled()
    {
        using var client = system.NewClient();
        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(15));
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var allowed = await client.PostAsJsonAsync("/auth/login", new { email = NobodysEmail(), password = "guess" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var throttled = await client.PostAsJsonAsync("/auth/login", new { email = Api.AdminEmail, password = Api.AdminPassword });

        await Problems.ExpectAsync(throttled, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(throttled.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task Failed_sign_ins_to_one_account_from_many_addresses_make_it_wait_and_success_clears_it()
    {
        var user = await api.UserAsync();
        // Each guess from its own address, so the per-address limit never applies.
        for (var guess = 1; guess <= 5; guess++)
        {
            using var client = system.NewClient();
            using var wrong = await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = $"guess-{guess}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var client = system.NewClient())
        {
            // The sixth is let through (a failure earns the first delay), the next must wait for it.
            using var sixth = await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "guess-6" });
            Assert.Equal(HttpStatusCode.Unauthorized, sixth.StatusCode);
        }

        using var fresh = system.NewClient();
        using var waiting = await fresh.PostAsJsonAsync("/auth/login", new { email = user.Email, password = Api.UserPassword });
        await Problems.ExpectAsync(waiting, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(waiting.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 4);
        // Another account is not held back by this one's failures.
        using var other = await fresh.PostAsJsonAsync("/auth/login", new { email = Api.AdminEmail, password = Api.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(retryAfter));
        using var later = system.NewClient();
        using var signedIn = await later.PostAsJsonAsync("/auth/login", new { email = user.Email, password = Api.UserPassword });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        // Success cleared the account's failures: a wrong password is a plain 401 again, not a wait.
        using var afterwards = await later.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "guess-7" });
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }

    [Fact]
    public async Task A_look_alike_spelling_of_an_email_signs_in_as_its_account_and_shares_its_failures()
    {
        // U+212A KELVIN SIGN: the database's lower() takes it as "k", so this spelling finds the user.
        var email = $"{Api.Unique("kim")}@example.com";
        var lookAlike = "\u212A" + email[1..];
        using (var admin = await api.AdminAsync())
        {
            using var created = await admin.PostAsJsonAsync("/v1/admin/users", new { email, password = Api.UserPassword, full_name = "Kim" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var client = system.NewClient())
        {
            using var signedIn = await client.PostAsJsonAsync("/auth/login", new { email = lookAlike, password = Api.UserPassword });
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        for (var guess = 1; guess <= 6; guess++)
        {
            using var client = system.NewClient();
            using var wrong = await client.PostAsJsonAsync("/auth/login", new { email, password = $"guess-{guess}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // The other spelling is the same account: it waits with it, not with a count of its own.
        using var fresh = system.NewClient();
        using var waiting = await fresh.PostAsJsonAsync("/auth/login", new { email = lookAlike, password = Api.UserPassword });
        await Problems.ExpectAsync(waiting, HttpStatusCode.TooManyRequests);
    }

    private static string NobodysEmail() => $"{Api.Unique("nobody")}@example.com";

    [Fact]
    public async Task A_token_is_a_thirty_minute_bearer_token_and_me_shows_memberships()
    {
        var team = await api.TeamAsync();
        var user = await api.UserAsync(team, "developer");
        using var client = system.NewClient();
        using var login = await client.PostAsJsonAsync("/auth/login", new { email = user.Email.ToUpperInvariant(), password = Api.UserPassword });
        var token = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bearer", token.GetProperty("token_type").GetString());
        Assert.Equal(1800, token.GetProperty("expires_in").GetInt32());

        using var me = api.With(user);
        var body = await me.GetFromJsonAsync<JsonElement>("/auth/me");

        Assert.Equal(user.Id, body.GetProperty("id").GetGuid());
        Assert.False(body.GetProperty("is_superuser").GetBoolean());
        var membership = Assert.Single(body.GetProperty("memberships").EnumerateArray());
        Assert.Equal(team.Id, membership.GetProperty("team_id").GetGuid());
        Assert.Equal("developer", membership.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Me_lists_every_membership_in_team_name_order_and_none_for_a_person_in_no_team()
    {
        using var admin = await api.AdminAsync();
        var suffix = Api.Unique("team");
        var later = await api.TeamAsync($"zz-{suffix}");
        var earlier = await api.TeamAsync($"aa-{suffix}");
        var member = await api.UserAsync(later, "viewer");
        using (var joined = await admin.PutAsJsonAsync($"/v1/admin/teams/{earlier.Id}/members/{member.Id}", new { role = "team_admin" }))
        {
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        }

        var loner = await api.UserAsync();

        using var memberClient = api.With(member);
        var memberships = (await memberClient.GetFromJsonAsync<JsonElement>("/auth/me")).GetProperty("memberships").EnumerateArray()
            .Select(m => (m.GetProperty("team_id").GetGuid(), m.GetProperty("role").GetString())).ToList();
        Assert.Equal([(earlier.Id, "team_admin"), (later.Id, "viewer")], memberships);
        using var lonerClient = api.With(loner);
        var lonerMe = await lonerClient.GetFromJsonAsync<JsonElement>("/auth/me");
        Assert.Equal(loner.Id, lonerMe.GetProperty("id").GetGuid());
        Assert.Empty(lonerMe.GetProperty("memberships").EnumerateArray());
    }

    [Fact]
    public async Task A_role_change_removal_and_deactivation_count_on_every_keys_replica_from_the_answer_on()
    {
        // Each replica keeps a copy of the people it authorized: every change must reach both of them at once.
        using var admin = await api.AdminAsync();
        var team = await api.TeamAsync();
        var person = await api.UserAsync(team, "viewer");
        using var client = api.With(person);
        Assert.Equal(["viewer"], await RolesSeenAsync(client, team));

        (await admin.PutAsJsonAsync($"/v1/admin/teams/{team.Id}/members/{person.Id}", new { role = "team_admin" })).EnsureSuccessStatusCode();
        Assert.Equal(["team_admin"], await RolesSeenAsync(client, team));

        (await admin.DeleteAsync($"/v1/admin/teams/{team.Id}/members/{person.Id}")).EnsureSuccessStatusCode();
        Assert.Equal(["none"], await RolesSeenAsync(client, team));

        (await admin.PatchAsJsonAsync($"/v1/admin/users/{person.Id}", new { is_active = false })).EnsureSuccessStatusCode();
        Assert.Equal(["401"], await RolesSeenAsync(client, team));

        (await admin.PatchAsJsonAsync($"/v1/admin/users/{person.Id}", new { is_active = true })).EnsureSuccessStatusCode();
        Assert.Equal(["none"], await RolesSeenAsync(client, team));
    }

    /// <summary>What <c>/auth/me</c> said of the person's role in the team, read on both Keys replicas (<see cref="Replicas.ReadOnEachAsync"/>).</summary>
    private static async Task<string[]> RolesSeenAsync(HttpClient client, Api.Team team) =>
        await Replicas.ReadOnEachAsync(async () =>
        {
            using var response = await client.GetAsync("/auth/me");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var me = await response.Content.ReadFromJsonAsync<JsonElement>();
            return me.GetProperty("memberships").EnumerateArray().Where(m => m.GetProperty("team_id").GetGuid() == team.Id)
                .Select(m => m.GetProperty("role").GetString()!).SingleOrDefault() ?? "none";
        });

    [Fact]
    public async Task People_see_only_their_teams_projects()
    {
        var team = await api.TeamAsync();
        var mine = await api.ProjectAsync(team, GitRepository.NeverContacted("org/mine"));
        var theirs = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/theirs"));
        using var viewer = api.With(await api.UserAsync(team, "viewer"));

        var page = await viewer.GetFromJsonAsync<JsonElement>("/v1/projects");

        var ids = page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([mine.Id], ids);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/v1/projects/{mine.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/v1/projects/{theirs.Id}")).StatusCode);
    }

    [Fact]
    public async Task Only_a_team_admin_creates_the_teams_projects()
    {
        var team = await api.TeamAsync();
        using var developer = api.With(await api.UserAsync(team, "developer"));
        using var teamAdmin = api.With(await api.UserAsync(team, "team_admin"));
        var request = new { team_id = team.Id, name = "svc", git_url = "git@github.com:org/svc.git" };

        Assert.Equal(HttpStatusCode.Forbidden, (await developer.PostAsJsonAsync("/v1/projects", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await teamAdmin.PostAsJsonAsync("/v1/projects", request)).StatusCode);
        using var invalid = await teamAdmin.PostAsJsonAsync("/v1/projects", new { team_id = team.Id, name = "", git_url = "ext::sh -c evil" });
        var problem = await Problems.ExpectAsync(invalid, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("git_url", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Theory]
    [InlineData("UPDATE projects SET git_url = 'https://git.example.com/elsewhere.git' WHERE id = @id")]
    [InlineData("UPDATE projects SET team_id = (SELECT id FROM teams WHERE id <> (SELECT team_id FROM projects WHERE id = @id) LIMIT 1) WHERE id = @id")]
    [InlineData("DELETE FROM projects WHERE id = @id")]
    public async Task A_projects_team_and_repository_never_change_even_for_the_database_owner(string change)
    {
        // The other services keep these facts once told (Access/ProjectFactsCache); a change would outlive their copies.
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/fixed"));
        await api.TeamAsync();
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        await using var command = new NpgsqlCommand(change, connection) { Parameters = { new("id", project.Id) } };

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("never change", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_projects_name_may_still_be_corrected_by_the_database_owner()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/renamed"));
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        await using var command = new NpgsqlCommand("UPDATE projects SET name = name || '-renamed' WHERE id = @id", connection) { Parameters = { new("id", project.Id) } };

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task The_directory_is_for_super_admins_only()
    {
        var team = await api.TeamAsync();
        using var teamAdmin = api.With(await api.UserAsync(team, "team_admin"));

        using var response = await teamAdmin.PostAsJsonAsync("/v1/admin/teams", new { name = Api.Unique("team") });

        await Problems.ExpectAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_super_admin_lists_every_team_newest_first_and_no_one_else_may()
    {
        var older = await api.TeamAsync();
        var newer = await api.TeamAsync();
        using var admin = await api.AdminAsync();
        using var teamAdmin = api.With(await api.UserAsync(newer, "team_admin"));

        var page = await (await admin.GetAsync("/v1/admin/teams?page_size=200")).Content.ReadFromJsonAsync<JsonElement>();
        var ids = page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
        using var refused = await teamAdmin.GetAsync("/v1/admin/teams");

        Assert.True(ids.IndexOf(newer.Id) >= 0 && ids.IndexOf(newer.Id) < ids.IndexOf(older.Id), "Both teams, the newer first.");
        Assert.True(page.GetProperty("total").GetInt64() >= 2);
        Assert.Equal(newer.Name, page.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == newer.Id).GetProperty("name").GetString());
        await Problems.ExpectAsync(refused, HttpStatusCode.Forbidden);
    }
}
