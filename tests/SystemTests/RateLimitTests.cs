using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
