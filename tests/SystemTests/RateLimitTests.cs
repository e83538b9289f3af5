using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>Per-key limits (CONTRACT §2): 20 scan triggers and 600 reads a minute by default.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class RateLimitTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task The_twenty_first_trigger_in_a_minute_is_refused_with_retry_after()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        using var neighbour = api.With(await api.AdminKeyAsync("org"));

        // Each trigger names its own ref, so none is refused as a duplicate (409) instead.
        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 20; i++)
        {
            using var allowed = await Scans.TriggerAsync(pipeline, project.Id, new { kind = "source", @ref = $"limit-{i}" });
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var last = await Scans.TriggerAsync(pipeline, project.Id, new { kind = "source", @ref = "limit-20" });
        await Problems.ExpectAsync(last, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(last.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("\"triggers\";q=20;w=60", Assert.Single(last.Headers.GetValues("RateLimit-Policy")));
        Assert.StartsWith("\"triggers\";r=0;t=", Assert.Single(last.Headers.GetValues("RateLimit")), StringComparison.Ordinal);

        // The limit is the key's own: another key and reads are untouched.
        Assert.Equal(HttpStatusCode.OK, (await Scans.TriggerAsync(neighbour, project.Id, new { kind = "source", @ref = "neighbour" })).StatusCode);
    }

    [Fact]
    public async Task A_project_takes_sixty_triggers_a_minute_from_all_callers_together()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/busy"));
        var quiet = await api.ProjectAsync(team, GitRepository.NeverContacted("org/quiet"));
        using var developer = api.With(await api.UserAsync(team, "developer"));
        using var teamAdmin = api.With(await api.UserAsync(team, "team_admin"));

        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 60; i++)
        {
            using var allowed = await Scans.TriggerAsync(i % 2 == 0 ? developer : teamAdmin, project.Id, new { kind = "source", @ref = $"busy-{i}" });
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await Scans.TriggerAsync(teamAdmin, project.Id, new { kind = "source", @ref = "busy-60" });
        var problem = await Problems.ExpectAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.StartsWith("This project used its 60 project-triggers", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("\"project-triggers\";q=60;w=60", Assert.Single(refused.Headers.GetValues("RateLimit-Policy")));
        using var elsewhere = await Scans.TriggerAsync(teamAdmin, quiet.Id, new { kind = "source", @ref = "quiet" });
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_strangers_refused_triggers_do_not_use_up_the_projects_whatever_their_bodies()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/targeted"));
        using var stranger = api.With(await api.UserAsync(await api.TeamAsync(), "developer"));
        using var owner = api.With(await api.UserAsync(team, "developer"));

        // More than the project's 60 a minute, each refused: the stranger is in another team. A
        // body the project's own members would get a 422 for is refused the same way.
        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 65; i++)
        {
            object body = (i % 3) switch
            {
                0 => new { kind = "source", @ref = $"probe-{i}" },
                1 => new { kind = "binary" },
                _ => new { kind = "source", @ref = "..", extra = true },
            };
            using var refused = await Scans.TriggerAsync(stranger, project.Id, body);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using var own = await Scans.TriggerAsync(owner, project.Id, new { kind = "source", @ref = "own" });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        // The project's count holds the owner's trigger (the last refusal's refund may still be on its way).
        var state = Assert.Single(own.Headers.GetValues("RateLimit"));
        Assert.StartsWith("\"project-triggers\";r=", state, StringComparison.Ordinal);
        Assert.InRange(int.Parse(state.Split(';')[1][2..], System.Globalization.CultureInfo.InvariantCulture), 58, 59);
    }

    [Fact]
    public async Task A_person_and_the_keys_they_issued_share_one_trigger_limit()
    {
        // The system tests allow 150 a person (see SystemFixture); the default is 60.
        var team = await api.TeamAsync();
        var projects = new List<Api.Project>();
        for (var i = 0; i < 5; i++)
        {
            projects.Add(await api.ProjectAsync(team, GitRepository.NeverContacted($"org/mine-{i}")));
        }

        var developer = await api.UserAsync(team, "developer");
        using var person = api.With(developer);
        using var firstKey = api.With(await Api.KeyAsync(person, "project", projectId: projects[3].Id));
        using var secondKey = api.With(await Api.KeyAsync(person, "project", projectId: projects[4].Id));
        using var thirdKey = api.With(await Api.KeyAsync(person, "project", projectId: projects[4].Id));

        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(40));
        var triggers = new List<(HttpClient Client, Guid Project)>();
        triggers.AddRange(Enumerable.Range(0, 110).Select(i => (person, projects[i % 3].Id)));
        triggers.AddRange(Enumerable.Range(0, 20).Select(_ => (firstKey, projects[3].Id)));
        triggers.AddRange(Enumerable.Range(0, 20).Select(_ => (secondKey, projects[4].Id)));
        foreach (var (client, projectId) in triggers)
        {
            using var allowed = await Scans.TriggerAsync(client, projectId, new { kind = "source", @ref = $"mine-{Guid.NewGuid():N}" });
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // A key of their own that has not triggered anything yet is still over their limit.
        using var refused = await Scans.TriggerAsync(thirdKey, projects[4].Id, new { kind = "source", @ref = "one-more" });
        var problem = await Problems.ExpectAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.StartsWith("You (your token and your keys together) used its 150 user-triggers", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Someone else in the team is not held back.
        using var colleague = api.With(await api.UserAsync(team, "developer"));
        Assert.Equal(HttpStatusCode.OK, (await Scans.TriggerAsync(colleague, projects[0].Id, new { kind = "source", @ref = "colleague" })).StatusCode);
    }

    [Fact]
    public async Task The_601st_read_in_a_minute_is_refused_and_every_read_reaches_the_shared_count()
    {
        var key = await api.AdminKeyAsync("org", breadth: "read_only");
        using var pipeline = api.With(key);
        var path = $"/v1/scans/{Guid.NewGuid()}";

        // All 600 are let through (a scan nobody has is a 404, which counts like any answer), the next is refused.
        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(30));
        var window = Credentials.RateLimits.FixedWindow.Key(
            Credentials.RateLimits.KeyRateLimits.CounterName(key.Id, "reads"), TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow);
        for (var batch = 0; batch < 30; batch++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => pipeline.GetAsync(path)));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
        }

        using var refused = await pipeline.GetAsync(path);
        await Problems.ExpectAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.StartsWith("\"reads\";r=0;t=", Assert.Single(refused.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 60);

        // Every read, the refused one too, reaches the count other replicas and GET /v1/api-keys/self read.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        await Eventually.ValueAsync(async () => (long)await redis.GetDatabase().StringGetAsync(window) == 601 ? true : (bool?)null,
            TimeSpan.FromSeconds(10), "the shared count to reach 601");
    }

    [Fact]
    public async Task A_trigger_counts_as_a_trigger_however_its_path_is_spelled()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        using var response = await Scans.TriggerAsync(pipeline, project.Id, new { kind = "source", @ref = "v1.0.0" }, $"/V1/PROJECTS/{project.Id}/SCANS");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"triggers\";q=20;w=60", Assert.Single(response.Headers.GetValues("RateLimit-Policy")));
    }

    [Fact]
    public async Task Every_keyed_response_carries_the_rate_limit_headers_and_reads_count_apart()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("project", projectId: project.Id));

        var scan = await Scans.TriggeredAsync(pipeline, project.Id);
        using var first = await pipeline.GetAsync($"/v1/scans/{scan.Id}");
        using var second = await pipeline.GetAsync($"/v1/scans/{scan.Id}");

        Assert.Equal("\"reads\";q=600;w=60", Assert.Single(first.Headers.GetValues("RateLimit-Policy")));
        Assert.Matches("^\"reads\";r=\\d+;t=\\d+$", Assert.Single(first.Headers.GetValues("RateLimit")));
        Assert.True(Remaining(second) == Remaining(first) - 1 || Remaining(second) == 599, "each read counts once");
    }

    [Fact]
    public async Task A_key_sees_its_own_metadata_and_limits_and_people_cannot_ask()
    {
        var team = await api.TeamAsync();
        var key = await api.AdminKeyAsync("team", teamId: team.Id, breadth: "read_only");
        using var pipeline = api.With(key);

        var self = await pipeline.GetFromJsonAsync<JsonElement>("/v1/api-keys/self");

        Assert.Equal(key.Id, self.GetProperty("id").GetGuid());
        Assert.Equal("team", self.GetProperty("scope").GetString());
        Assert.Equal("read_only", self.GetProperty("permission_breadth").GetString());
        Assert.Equal(team.Id, self.GetProperty("team_id").GetGuid());
        var reads = self.GetProperty("rate_limits").GetProperty("reads");
        Assert.Equal(600, reads.GetProperty("limit").GetInt32());
        Assert.InRange(reads.GetProperty("remaining").GetInt32(), 590, 599);
        Assert.Equal(20, self.GetProperty("rate_limits").GetProperty("triggers").GetProperty("remaining").GetInt32());
        Assert.DoesNotContain(key.RawKey[13..], self.GetRawText(), StringComparison.Ordinal);

        using var admin = await api.AdminAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/v1/api-keys/self")).StatusCode);
    }

    private static int Remaining(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("RateLimit"));
        var r = header.Split(';').Single(p => p.StartsWith("r=", StringComparison.Ordinal));
        return int.Parse(r[2..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
