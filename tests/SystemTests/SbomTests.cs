using System.Net;
using System.Text.Json;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>A scan fetches the commit, inventories its lock files and serves the CycloneDX document (CONTRACT §3).</summary>
[Collection(SystemTestGroup.Name)]
public sealed class SbomTests(SystemFixture system)
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "inventory", "npm", "mocha-v3");

    private readonly Api api = new(system);

    [Fact]
    public async Task A_succeeded_scan_serves_its_sbom_with_the_lock_files_packages()
    {
        using var repository = GitRepository.Create();
        repository.CommitFile("package.json", File.ReadAllBytes(Path.Combine(Fixture, "package.json")));
        var head = repository.CommitFile("package-lock.json", File.ReadAllBytes(Path.Combine(Fixture, "package-lock.json")));
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("project", projectId: project.Id, breadth: "read_only"));
        using var trigger = api.With(await api.AdminKeyAsync("org"));

        var done = await Scans.FinishedAsync(pipeline, (await Scans.TriggeredAsync(trigger, project.Id)).Id);
        using var response = await pipeline.GetAsync($"/v1/scans/{done.Id}/sbom");

        Assert.Equal(("succeeded", head), (done.Status, done.CommitSha));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.cyclonedx+json; version=1.6", response.Content.Headers.ContentType?.ToString());
        // Its length up front: the document is read whole from the database (into a spool the
        // download reads from) before the answer starts, so a slow reader holds no connection.
        var document = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(document.Length, response.Content.Headers.ContentLength);
        var sbom = JsonDocument.Parse(document).RootElement;
        Assert.Equal(("CycloneDX", "1.6"), (sbom.GetProperty("bomFormat").GetString(), sbom.GetProperty("specVersion").GetString()));
        Assert.Equal(head, sbom.GetProperty("metadata").GetProperty("component").GetProperty("version").GetString());
        var components = sbom.GetProperty("components").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}@{c.GetProperty("version").GetString()}").ToList();
        Assert.Equal(done.ComponentCount, components.Count);
        Assert.Contains("chokidar@5.0.0", components);
        Assert.True(components.Count > 600, $"{components.Count} components");

        // The same document again: 304 by its ETag.
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/scans/{done.Id}/sbom");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await pipeline.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task A_repository_without_lock_files_succeeds_with_an_empty_inventory()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        var done = await Scans.FinishedAsync(pipeline, (await Scans.TriggeredAsync(pipeline, project.Id)).Id);
        using var response = await pipeline.GetAsync($"/v1/scans/{done.Id}/sbom");

        Assert.Equal(("succeeded", 0), (done.Status, done.ComponentCount));
        Assert.Empty(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("components").EnumerateArray());
    }

    [Fact]
    public async Task There_is_no_sbom_until_the_scan_has_succeeded_nor_for_a_key_outside_its_project()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/no-sbom"));
        var other = await api.ProjectAsync(team, GitRepository.NeverContacted("org/other"));
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        using var outsider = api.With(await api.AdminKeyAsync("project", projectId: other.Id));

        var failed = await Scans.FinishedAsync(pipeline, (await Scans.TriggeredAsync(pipeline, project.Id)).Id);
        using var none = await pipeline.GetAsync($"/v1/scans/{failed.Id}/sbom");
        using var outside = await outsider.GetAsync($"/v1/scans/{failed.Id}/sbom");
        using var unknown = await pipeline.GetAsync($"/v1/scans/{Guid.NewGuid()}/sbom");

        Assert.Equal("failed", failed.Status);
        await Problems.ExpectAsync(none, HttpStatusCode.NotFound, "SBOM Not Found");
        await Problems.ExpectAsync(outside, HttpStatusCode.Forbidden);
        await Problems.ExpectAsync(unknown, HttpStatusCode.NotFound, "Scan Not Found");
    }
}
