using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TrustedOss.SystemTests.Support;
using TrustedOss.TestSupport;

namespace TrustedOss.SystemTests;

/// <summary>The manual's "Verify it worked", end to end through the gateway.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class CiFlowTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task Project_key_triggers_a_scan_and_polls_it_to_the_repository_commit()
    {
        using var repository = GitRepository.Create();
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, repository.FileUrl);
        var key = await api.AdminKeyAsync("project", projectId: project.Id);
        Assert.Matches("^tos_[0-9a-f]{8}_[0-9a-f]{32}$", key.RawKey);

        using var pipeline = api.With(key);
        var queued = await Scans.TriggeredAsync(pipeline, project.Id);
        Assert.Equal("queued", queued.Status);
        Assert.Equal("api", queued.Trigger);
        Assert.Equal(key.Id, queued.ApiKeyId);

        var done = await Scans.FinishedAsync(pipeline, queued.Id);
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(repository.HeadSha, done.CommitSha);
        Assert.Equal("main", done.Ref);
        Assert.NotNull(done.StartedAt);
        Assert.NotNull(done.CompletedAt);
        Assert.Null(done.ErrorMessage);
    }

    [Fact]
    public async Task A_named_tag_resolves_to_its_commit()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        var scan = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "v1.0.0" });

        var done = await Scans.FinishedAsync(pipeline, scan.Id);
        Assert.Equal("succeeded", done.Status);
        Assert.Equal("v1.0.0", done.Ref);
        Assert.Equal(repository.HeadSha, done.CommitSha);
    }

    [Fact]
    public async Task A_scan_of_a_missing_repository_fails_classified_and_gits_text_stays_in_the_log()
    {
        var missing = $"/tmp/no-such-repository-{Guid.NewGuid():N}";
        var project = await api.ProjectAsync(await api.TeamAsync(), $"file://{missing}");
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        var scan = await Scans.TriggeredAsync(pipeline, project.Id);

        var done = await Scans.FinishedAsync(pipeline, scan.Id);
        Assert.Equal(("failed", "repository_unreachable"), (done.Status, done.ErrorCode));
        Assert.StartsWith("The repository could not be read", done.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("git repository", done.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(done.CommitSha);
        await system.WaitForLogAsync(TrustedOss.AppHost.ResourceNames.Scans, $"'{missing}' does not appear to be a git repository", "git's reason in the log");
    }

    [Fact]
    public async Task A_repository_on_a_loopback_address_is_refused_before_any_connection()
    {
        // Listening, so a connection would succeed: the refusal must come from the address check.
        using var listening = new SilentServer(System.Net.IPAddress.Loopback);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        var team = await api.TeamAsync();

        foreach (var url in (string[])[listening.RepositoryUrl, $"https://localhost:{listening.Port}/org/repo.git", $"ssh://git@[::1]:{listening.Port}/org/repo.git"])
        {
            var scan = await Scans.TriggeredAsync(pipeline, (await api.ProjectAsync(team, url)).Id);

            var done = await Scans.FinishedAsync(pipeline, scan.Id);
            Assert.Equal(("failed", "address_not_allowed"), (done.Status, done.ErrorCode));
            Assert.Equal("The repository's host is on a loopback, private or link-local network, which scans may not reach.", done.ErrorMessage);
        }

        Assert.Equal(0, listening.Connections);
    }

    [Fact]
    public async Task A_missing_ref_fails_and_names_it()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        var scan = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "no-such-branch" });

        var done = await Scans.FinishedAsync(pipeline, scan.Id);
        Assert.Equal(("failed", "ref_not_found"), (done.Status, done.ErrorCode));
        Assert.Equal("The ref 'no-such-branch' is not in the repository.", done.ErrorMessage);
    }

    [Fact]
    public async Task A_commit_id_scans_that_commit_and_one_the_repository_lacks_fails_and_names_it()
    {
        using var repository = GitRepository.Create();
        var first = repository.HeadSha;
        repository.Commit("a later commit");
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        const string elsewhere = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

        var older = await Scans.FinishedAsync(pipeline, (await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = first })).Id);
        var missing = await Scans.FinishedAsync(pipeline, (await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = elsewhere })).Id);

        Assert.Equal(("succeeded", first), (older.Status, older.CommitSha));
        Assert.Equal(("failed", "commit_not_found"), (missing.Status, missing.ErrorCode));
        Assert.Equal($"The commit {elsewhere} is not in the repository (was it force-pushed away?).", missing.ErrorMessage);
    }

    [Fact]
    public async Task A_second_trigger_while_one_is_active_is_a_conflict_naming_it()
    {
        // A "repository" that accepts the connection and never answers keeps the first scan running.
        using var silent = new SilentServer(SilentServer.AllowedForScans);
        var project = await api.ProjectAsync(await api.TeamAsync(), silent.RepositoryUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        var first = await Scans.TriggeredAsync(pipeline, project.Id);
        using var second = await Scans.TriggerAsync(pipeline, project.Id);

        var problem = await Problems.ExpectAsync(second, HttpStatusCode.Conflict);
        Assert.Equal(first.Id, problem.GetProperty("active_scan_id").GetGuid());

        // Another ref of the same project is another scan; its full branch name is the same ref.
        var other = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "release" });
        Assert.NotEqual(first.Id, other.Id);
        using var sameBranch = await Scans.TriggerAsync(pipeline, project.Id, new { kind = "source", @ref = "refs/heads/release" });
        Assert.Equal(other.Id, (await Problems.ExpectAsync(sameBranch, HttpStatusCode.Conflict)).GetProperty("active_scan_id").GetGuid());
    }

    [Fact]
    public async Task Triggers_of_one_ref_sent_together_queue_one_scan_and_the_others_are_conflicts_naming_it()
    {
        using var silent = new SilentServer(SilentServer.AllowedForScans);
        var project = await api.ProjectAsync(await api.TeamAsync(), silent.RepositoryUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        // Stored many to a transaction (and by two replicas): the check and the unique index must
        // still let exactly one through.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await Scans.TriggerAsync(pipeline, project.Id);
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        var queued = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK).Body.GetProperty("id").GetGuid();
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.Conflict, a.StatusCode);
            Assert.Equal(queued, a.Body.GetProperty("active_scan_id").GetGuid());
        });
    }

    [Fact]
    public async Task An_active_webhook_scan_blocks_an_api_trigger_of_the_same_ref()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        var webhookScan = Guid.NewGuid();
        await using (var connection = await system.OpenDatabaseAsync(TrustedOss.AppHost.ResourceNames.ScansDatabase))
        {
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO scans (id, project_id, kind, status, ref, trigger, created_at, started_at) VALUES (@id, @project, 'source', 'running', 'main', 'webhook', now(), now())",
                connection);
            insert.Parameters.AddWithValue("id", webhookScan);
            insert.Parameters.AddWithValue("project", project.Id);
            await insert.ExecuteNonQueryAsync();
        }

        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        using var response = await Scans.TriggerAsync(pipeline, project.Id, new { kind = "source", @ref = "main" });

        Assert.Equal(webhookScan, (await Problems.ExpectAsync(response, HttpStatusCode.Conflict)).GetProperty("active_scan_id").GetGuid());
    }
}
