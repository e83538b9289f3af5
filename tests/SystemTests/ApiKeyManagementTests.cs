using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// Who may revoke or narrow a key (CONTRACT §2): super admins, its issuer and team admins of its
/// team. Other members see the team's keys but may not change them.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class ApiKeyManagementTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_narrowed_key_shows_itself_narrowed_on_every_keys_replica_from_the_answer_on()
    {
        // Each Keys replica keeps a copy of the key it showed itself: narrowing must reach both at once.
        var key = await api.AdminKeyAsync("org");
        using var pipeline = api.With(key);
        Assert.Equal(["read_write"], await BreadthsSeenAsync(pipeline));

        using (var admin = await api.AdminAsync())
        {
            (await admin.PatchAsJsonAsync($"/v1/api-keys/{key.Id}", new { permission_breadth = "read_only" })).EnsureSuccessStatusCode();
        }

        Assert.Equal(["read_only"], await BreadthsSeenAsync(pipeline));
    }

    /// <summary>What <c>/v1/api-keys/self</c> said of the key's breadth, read on both Keys replicas (<see cref="Replicas.ReadOnEachAsync"/>).</summary>
    private static async Task<string[]> BreadthsSeenAsync(HttpClient pipeline) =>
        await Replicas.ReadOnEachAsync(async () =>
            (await pipeline.GetFromJsonAsync<JsonElement>("/v1/api-keys/self")).GetProperty("permission_breadth").GetString()!);

    [Theory]
    [InlineData("viewer")]
    [InlineData("developer")]
    public async Task A_member_who_is_not_a_team_admin_may_not_change_a_team_key(string role)
    {
        var team = await api.TeamAsync();
        var key = await api.AdminKeyAsync("team", teamId: team.Id);
        using var member = api.With(await api.UserAsync(team, role));

        using var narrow = await member.PatchAsJsonAsync($"/v1/api-keys/{key.Id}", new { permission_breadth = "read_only" });
        using var revoke = await member.DeleteAsync($"/v1/api-keys/{key.Id}");

        await Problems.ExpectAsync(narrow, HttpStatusCode.Forbidden);
        await Problems.ExpectAsync(revoke, HttpStatusCode.Forbidden);
        using var admin = await api.AdminAsync();
        var listed = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/api-keys?team_id={team.Id}");
        var item = listed.GetProperty("items")[0];
        Assert.Equal("read_write", item.GetProperty("permission_breadth").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, item.GetProperty("revoked_at").ValueKind);
    }

    [Fact]
    public async Task A_team_admin_narrows_and_revokes_a_team_key_someone_else_issued()
    {
        var team = await api.TeamAsync();
        var key = await api.AdminKeyAsync("team", teamId: team.Id);
        using var teamAdmin = api.With(await api.UserAsync(team, "team_admin"));

        using var narrow = await teamAdmin.PatchAsJsonAsync($"/v1/api-keys/{key.Id}", new { permission_breadth = "read_only" });
        using var revoke = await teamAdmin.DeleteAsync($"/v1/api-keys/{key.Id}");

        Assert.Equal(HttpStatusCode.OK, narrow.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
    }
}
