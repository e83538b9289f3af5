using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;
using Xunit.Abstractions;

namespace TrustedOss.SystemTests;

/// <summary>
/// A server restarted under load (stopped, down for a while, started again), as in a failover or an
/// upgrade: while it is down every call gets a 200 or a 503 with Retry-After, never a hang or another
/// error; from <see cref="FullServiceWithin"/> after its return every call succeeds; and every
/// trigger answered 200 became exactly one scan that ran to the end. Polls with a key and with a
/// token and triggers from two people run throughout. Afterwards, concurrent reads of every
/// service's own database get only 200s and 503s, and the reads after them all succeed: a pooled
/// connection the restart broke costs a 503 at most once.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class ServerRestartTests(SystemFixture system, ITestOutputHelper output)
{
    private static readonly TimeSpan DownFor = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan FullServiceWithin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WatchedAfterReturn = TimeSpan.FromSeconds(14);
    private const int ProjectCount = 20;

    private readonly Api api = new(system);

    [Theory]
    [InlineData(ResourceNames.Postgres)]
    [InlineData(ResourceNames.Redis)]
    [InlineData(ResourceNames.RabbitMq)]
    public async Task A_restarted_server_costs_only_503s_while_it_is_down_and_loses_no_trigger(string server)
    {
        using var repository = GitRepository.Create();
        // Each trigger scans a ref of its own, so none meets a queued scan of its project and ref (a 409).
        var refs = repository.Branches("restart-", 400);
        var team = await api.TeamAsync();
        var projects = new List<Api.Project>();
        for (var i = 0; i < ProjectCount; i++)
        {
            projects.Add(await api.ProjectAsync(team, repository.FileUrl));
        }

        var key = await api.AdminKeyAsync("project", projectId: projects[0].Id);
        var developers = new[] { await api.UserAsync(team, "developer"), await api.UserAsync(team, "developer") };
        using var polling = api.With(key);
        var polled = await Scans.FinishedAsync(polling, (await Scans.TriggeredAsync(polling, projects[0].Id)).Id);

        // Each service's pool holds a dozen idle connections from before the stop (what they answer
        // is not this test's: an earlier test may have left the servers just restarted).
        using var reader = api.With(await api.UserAsync(team, "team_admin"));
        string[] reads = [$"/v1/api-keys?project_id={projects[0].Id}", $"/v1/projects/{projects[0].Id}", $"/v1/scans/{polled.Id}", $"/v1/projects/{projects[0].Id}/webhook/deliveries"];
        await ReadBurst.RunAsync(reader, reads);

        var probe = new StallProbe();
        // Every 150 ms: within the key's 600 reads a minute for the whole run.
        probe.Add("key poll", api.With(key), TimeSpan.FromMilliseconds(150), StallProbe.Poll(polled.Id));
        probe.Add("token poll", api.With(developers[0]), TimeSpan.FromMilliseconds(100), StallProbe.Poll(polled.Id));
        var triggered = -1;
        foreach (var (index, developer) in developers.Index())
        {
            // 2 a second each: within a person's trigger limit.
            probe.Add($"trigger {index + 1}", api.With(developer), TimeSpan.FromMilliseconds(500), async (client, ct) =>
            {
                var n = Interlocked.Increment(ref triggered);
                var project = projects[n % ProjectCount];
                var response = await client.PostAsJsonAsync($"/v1/projects/{project.Id}/scans", new { kind = "source", @ref = refs[n % refs.Count] }, ct);
                var scanId = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<Scans.Scan>(Json.Api, ct))!.Id : (Guid?)null;
                return (response, scanId);
            });
        }


        await Task.Delay(TimeSpan.FromSeconds(3));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stoppingAt = DateTimeOffset.UtcNow;
        await system.App.StopResourceAsync(server, timeout.Token);
        var downAt = DateTimeOffset.UtcNow;
        await Task.Delay(DownFor);
        await system.App.StartResourceAsync(server, timeout.Token);
        var backAt = DateTimeOffset.UtcNow;
        await Task.Delay(WatchedAfterReturn);
        await probe.StopAsync();
        var calls = probe.Calls;
        Report(server, calls, stoppingAt, downAt, backAt);

        StallProbe.AssertOnlyRetryableRefusals(calls, backAt + FullServiceWithin);
        // A replica that had no request while the server was down still holds connections it ended:
        // the first requests that meet them get 503s (and empty the pool), the next all succeed.
        Assert.All(await ReadBurst.RunAsync(reader, reads), answer => Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{answer.Path}: {(int)answer.Status}"));
        ReadBurst.AssertAllSucceed(await ReadBurst.RunAsync(reader, reads));

        // Nothing accepted is lost, nothing doubled: each 200 is a scan that ends, and the projects
        // hold exactly those scans (and the first, polled one).
        var accepted = calls.Select(c => c.Tag).OfType<Guid>().ToList();
        using var checker = api.With(developers[0]);
        foreach (var scanId in accepted)
        {
            Assert.Equal("succeeded", (await Scans.FinishedAsync(checker, scanId)).Status);
        }

        Assert.Equal(accepted.Count + 1, await ScanRows.CountAsync(system, [.. projects.Select(p => p.Id)]));
    }

    /// <summary>Per caller: the answers while the server was stopping and down, and calls a second around the return.</summary>
    private void Report(string server, IReadOnlyList<StallProbe.Call> calls, DateTimeOffset stoppingAt, DateTimeOffset downAt, DateTimeOffset backAt)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{server}: stopping took {(downAt - stoppingAt).TotalSeconds:F1} s, down {DownFor.TotalSeconds} s, starting took {(backAt - downAt - DownFor).TotalSeconds:F1} s; {calls.Count} calls"));
        foreach (var caller in calls.GroupBy(c => c.Caller))
        {
            var outage = caller.Where(c => c.StartedAt >= stoppingAt && c.StartedAt < backAt).ToList();
            var perSecond = Enumerable.Range(-3, 3 + (int)WatchedAfterReturn.TotalSeconds)
                .Select(s => caller.Count(c => c.Status == HttpStatusCode.OK && c.StartedAt >= backAt.AddSeconds(s) && c.StartedAt < backAt.AddSeconds(s + 1)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {caller.Key}: from the stop to the return {outage.Count(c => c.Status == HttpStatusCode.OK)}×200, {outage.Count(c => c.Status == HttpStatusCode.ServiceUnavailable)}×503, " +
                $"answer time max {(outage.Count > 0 ? outage.Max(c => c.Took).TotalMilliseconds : 0):F0} ms; 200s a second from 3 s before the return: {string.Join(' ', perSecond)}"));
        }
    }
}
