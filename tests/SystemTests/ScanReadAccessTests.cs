using System.Net;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// Who may poll a scan (CONTRACT §3): a key whose scope covers the scan's project, whatever its
/// breadth; any other key is a 403. The Scan service judges keys itself from the scan's stored
/// team, so each scope is proven here against a real scan.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class ScanReadAccessTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_scan_is_read_by_every_key_whose_scope_covers_its_project_and_refused_to_the_others()
    {
        var team = await api.TeamAsync();
        var otherTeam = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/read-access"));
        var sibling = await api.ProjectAsync(team, GitRepository.NeverContacted("org/read-access-sibling"));
        using var pipeline = api.With(await api.AdminKeyAsync("project", projectId: project.Id));
        var scan = await Scans.TriggeredAsync(pipeline, project.Id);

        using var readOnlyProjectKey = api.With(await api.AdminKeyAsync("project", projectId: project.Id, breadth: "read_only"));
        using var teamKey = api.With(await api.AdminKeyAsync("team", teamId: team.Id));
        using var orgKey = api.With(await api.AdminKeyAsync("org"));
        using var siblingKey = api.With(await api.AdminKeyAsync("project", projectId: sibling.Id));
        using var otherTeamKey = api.With(await api.AdminKeyAsync("team", teamId: otherTeam.Id));

        foreach (var reader in new[] { pipeline, readOnlyProjectKey, teamKey, orgKey })
        {
            using var read = await reader.GetAsync($"/v1/scans/{scan.Id}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        foreach (var outsider in new[] { siblingKey, otherTeamKey })
        {
            using var refused = await outsider.GetAsync($"/v1/scans/{scan.Id}");
            await Problems.ExpectAsync(refused, HttpStatusCode.Forbidden);
        }
    }
}
