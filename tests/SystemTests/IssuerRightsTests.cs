using System.Net;
using System.Net.Http.Json;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// A key works only while its issuer may still issue it, and every change reaches the gateway
/// within the revocation bound: a second by push, 5 s at most (its own copy), even when Redis was
/// out at the moment of the change. The tests run one gateway; what makes the change reach any
/// other is the shared entry in Redis, which the last test reads itself.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class IssuerRightsTests(SystemFixture system)
{
    private static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(5);

    private readonly Api api = new(system);

    [Fact]
    public async Task A_developer_demoted_to_viewer_loses_their_project_keys_until_promoted_again()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/demoted"));
        var developer = await api.UserAsync(team, "developer");
        using var issuer = api.With(developer);
        using var pipeline = api.With(await Api.KeyAsync(issuer, "project", projectId: project.Id));
        Assert.Equal(HttpStatusCode.OK, await SelfAsync(pipeline));

        await SetRoleAsync(team, developer.Id, "viewer");
        await ExpectAsync(pipeline, HttpStatusCode.Unauthorized, "the demoted developer's key to be refused");

        await SetRoleAsync(team, developer.Id, "developer");
        await ExpectAsync(pipeline, HttpStatusCode.OK, "the key to work again once its issuer may issue it");
    }

    [Fact]
    public async Task A_key_being_issued_as_its_issuer_is_removed_from_the_team_is_refused_not_issued_unusable()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/racing"));
        var developer = await api.UserAsync(team, "developer");
        using var issuer = api.With(developer);
        await using var keys = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        // The issuer's lock, as a change of their rights holds it while it commits.
        await ExecuteAsync(keys, "SELECT pg_advisory_lock(hashtextextended(@user::text, 0))", developer.Id);

        var issuing = issuer.PostAsJsonAsync("/v1/api-keys", new { name = Api.Unique("ci-key"), scope = "project", project_id = project.Id });
        await Eventually.ValueAsync(async () => await WaitingForLockAsync(keys) ? "" : null, TimeSpan.FromSeconds(30), "the issue to wait for the lock");
        await ExecuteAsync(keys, "DELETE FROM memberships WHERE user_id = @user", developer.Id);
        await ExecuteAsync(keys, "SELECT pg_advisory_unlock(hashtextextended(@user::text, 0))", developer.Id);

        using var answer = await issuing;
        await Problems.ExpectAsync(answer, HttpStatusCode.Forbidden, "Forbidden");
        await using var count = new NpgsqlCommand("SELECT count(*) FROM api_keys WHERE created_by_user_id = @user", keys);
        count.Parameters.AddWithValue("user", developer.Id);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, Guid user)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("user", user);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<bool> WaitingForLockAsync(NpgsqlConnection connection)
    {
        await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", connection);
        return (long)(await waiting.ExecuteScalarAsync())! > 0;
    }

    [Fact]
    public async Task A_team_admin_removed_from_the_team_loses_their_team_key_and_nobody_elses()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/removed"));
        var teamAdmin = await api.UserAsync(team, "team_admin");
        using var teamAdminClient = api.With(teamAdmin);
        using var teamPipeline = api.With(await Api.KeyAsync(teamAdminClient, "team", teamId: team.Id));
        using var developerClient = api.With(await api.UserAsync(team, "developer"));
        using var projectPipeline = api.With(await Api.KeyAsync(developerClient, "project", projectId: project.Id));

        using (var admin = await api.AdminAsync())
        {
            using var removed = await admin.DeleteAsync($"/v1/admin/teams/{team.Id}/members/{teamAdmin.Id}");
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        await ExpectAsync(teamPipeline, HttpStatusCode.Unauthorized, "the removed team_admin's key to be refused");
        Assert.Equal(HttpStatusCode.OK, await SelfAsync(projectPipeline));
    }

    [Fact]
    public async Task A_revocation_made_while_redis_is_down_reaches_the_gateway_and_the_shared_entry_once_it_is_back()
    {
        var key = await api.AdminKeyAsync("org");
        using var pipeline = api.With(key);
        // Used once, so the gateway's shared entry in Redis says "valid"; Redis saves it on stopping.
        Assert.Equal(HttpStatusCode.OK, await SelfAsync(pipeline));
        using var admin = await api.AdminAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        await system.App.StopResourceAsync(ResourceNames.Redis, timeout.Token);
        try
        {
            // The change is committed whatever Redis does, and the caller is told so.
            using var revoked = await admin.DeleteAsync($"/v1/api-keys/{key.Id}");
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        finally
        {
            await system.App.StartResourceAsync(ResourceNames.Redis, timeout.Token);
        }

        // Redis is back with the saved "valid" entry, which would live out its two minutes; the
        // refresh queued with the revocation rewrites it within its 5 s retry interval, and a
        // gateway's own copy lives 5 s more at most.
        await ExpectAsync(pipeline, HttpStatusCode.Unauthorized, "the revoked key to be refused", RevocationBound * 3);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        var entry = System.Text.Json.JsonDocument.Parse((string)(await redis.GetDatabase().StringGetAsync($"api-keys:{key.KeyPrefix}"))!).RootElement;
        Assert.True(entry.GetProperty("Revoked").GetBoolean());
    }

    private async Task SetRoleAsync(Api.Team team, Guid userId, string role)
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.PutAsJsonAsync($"/v1/admin/teams/{team.Id}/members/{userId}", new { role });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<HttpStatusCode> SelfAsync(HttpClient pipeline)
    {
        using var response = await pipeline.GetAsync("/v1/api-keys/self");
        return response.StatusCode;
    }

    /// <summary>The key's answer becomes <paramref name="expected"/> within the bound and stays so.</summary>
    private static async Task ExpectAsync(HttpClient pipeline, HttpStatusCode expected, string what, TimeSpan? within = null)
    {
        await Eventually.ValueAsync(async () => await SelfAsync(pipeline) == expected ? "" : null, within ?? RevocationBound, what);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected, await SelfAsync(pipeline));
        }
    }
}
