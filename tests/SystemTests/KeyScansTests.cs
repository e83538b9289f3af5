using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary><c>GET /v1/scans?api_key_id=</c>: the scans a key triggered, newest first, only to those who may read them.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class KeyScansTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_keys_recent_scans_are_listed_newest_first_to_those_who_may_read_them()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/key-scans"));
        var developer = await api.UserAsync(team, "developer");
        using var asDeveloper = api.With(developer);
        var key = await Api.KeyAsync(asDeveloper, "project", projectId: project.Id);
        using var pipeline = api.With(key);
        var first = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "first" });
        var second = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "second" });
        using var outsider = api.With(await api.UserAsync(await api.TeamAsync(), "team_admin"));

        Assert.Equal([second.Id, first.Id], await RecentAsync(asDeveloper, key.Id));
        Assert.Equal([second.Id, first.Id], await RecentAsync(pipeline, key.Id));
        Assert.Empty(await RecentAsync(outsider, key.Id));
        Assert.Equal([second.Id], await RecentAsync(asDeveloper, key.Id, "&page_size=1"));
    }

    [Fact]
    public async Task An_org_keys_scans_of_projects_the_caller_may_not_read_do_not_crowd_out_those_they_may()
    {
        var ours = await api.TeamAsync();
        var theirs = await api.TeamAsync();
        var ourProject = await api.ProjectAsync(ours, GitRepository.NeverContacted("org/ours"));
        var theirProject = await api.ProjectAsync(theirs, GitRepository.NeverContacted("org/theirs"));
        var key = await api.AdminKeyAsync("org");
        using var pipeline = api.With(key);
        var ourScan = await Scans.TriggeredAsync(pipeline, ourProject.Id, new { kind = "source", @ref = "ours" });
        for (var i = 0; i < 3; i++)
        {
            await Scans.TriggeredAsync(pipeline, theirProject.Id, new { kind = "source", @ref = $"theirs-{i}" });
        }

        using var developer = api.With(await api.UserAsync(ours, "developer"));

        // The key's newest scans are of a project this developer may not read; theirs is older.
        Assert.Equal([ourScan.Id], await RecentAsync(developer, key.Id, "&page_size=1"));
        Assert.Equal([ourScan.Id], await RecentAsync(developer, key.Id));
    }

    [Theory]
    [InlineData("", "api_key_id")]
    [InlineData("?api_key_id=not-a-key", "api_key_id")]
    [InlineData("?api_key_id=6a1e0f1c-5b8e-4e0a-9a53-2f4a8b1c9d7e&page_size=0", "page_size")]
    public async Task A_missing_or_bad_parameter_is_a_422_naming_it(string query, string field)
    {
        using var admin = await api.AdminAsync();

        using var response = await admin.GetAsync($"/v1/scans{query}");

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    private static async Task<Guid[]> RecentAsync(HttpClient client, Guid keyId, string more = "")
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/scans?api_key_id={keyId}{more}");
        return [.. page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid())];
    }
}
