using System.Net.Http.Json;
using TrustedOss.SystemTests.Support;
using TrustedOss.TestSupport;

namespace TrustedOss.SystemTests;

/// <summary>
/// Each Scan service replica answers polls from memory, and every change of a scan reaches every
/// replica's copy at once. Here a replica keeps an active scan for 40 s (SystemFixture), longer
/// than the polls below wait: only the change's announcement can make them see it end.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class ScanPollFreshnessTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_scan_polled_through_both_replicas_is_seen_to_end_when_it_ends()
    {
        Scans.Scan running;
        using (var silent = new SilentServer(SilentServer.AllowedForScans))
        {
            var project = await api.ProjectAsync(await api.TeamAsync(), silent.RepositoryUrl);
            using var pipeline = api.With(await api.AdminKeyAsync("project", projectId: project.Id));
            var queued = await Scans.TriggeredAsync(pipeline, project.Id);
            running = await Eventually.ValueAsync(async () => await PollAsync(pipeline, queued.Id) is { Status: "running" } scan ? scan : null,
                TimeSpan.FromSeconds(30), "the scan to start");

            // Polls in concurrent waves reach both replicas (Replicas), and each keeps the running scan.
            Assert.Equal(["running"], await Replicas.ReadOnEachAsync(async () => (await PollAsync(pipeline, running.Id)).Status));

            // The silent repository host goes away: the scan's git fails, and the scan with it.
        }

        using var poller = api.With(await api.AdminKeyAsync("org"));
        var ended = await Eventually.ValueAsync(async () => await PollAsync(poller, running.Id) is { Status: "failed" } scan ? scan : null,
            TimeSpan.FromSeconds(20), "every poll to see the scan fail");

        Assert.NotNull(ended.CompletedAt);
        Assert.Equal(["failed"], await Replicas.ReadOnEachAsync(async () => (await PollAsync(poller, running.Id)).Status));
    }

    private static async Task<Scans.Scan> PollAsync(HttpClient client, Guid scanId)
    {
        using var response = await client.GetAsync($"/v1/scans/{scanId}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Scans.Scan>(Json.Api))!;
    }
}
