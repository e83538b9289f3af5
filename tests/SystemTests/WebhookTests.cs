using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>GitHub and GitLab deliveries (CONTRACT §4), with the providers' published payloads, through the gateway.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class WebhookTests(SystemFixture system) : IDisposable
{
    private readonly Api api = new(system);
    private readonly Webhooks webhooks = new(system, new Api(system));

    public void Dispose() => webhooks.Dispose();

    [Fact]
    public async Task A_signed_GitHub_push_becomes_a_scan_of_the_pushed_commit()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, secret) = (hooked.Repository, hooked.Project, hooked.Secret);

        var answer = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push",
            Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: repository.HeadSha), deliveryId: "gh-delivery-1-" + project.Id));

        Assert.Equal(("enqueued", "gh-delivery-1-" + project.Id), (answer.Status, answer.DeliveryId));
        using var admin = await api.AdminAsync();
        var scan = await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true);
        Assert.Equal(("succeeded", "webhook", "main", repository.HeadSha, project.Id), (scan.Status, scan.Trigger, scan.Ref, scan.CommitSha, scan.ProjectId));
        Assert.NotNull(scan.DeliveryId);
    }

    [Fact]
    public async Task A_push_whose_branch_moved_on_before_its_scan_ran_is_scanned_at_the_branchs_newer_commit()
    {
        // The later push's delivery is skipped (its ref has a scan queued), so the queued scan reads
        // the branch when it starts and covers it.
        using var hooked = await HookedProjectAsync("github");
        var (repository, secret) = (hooked.Repository, hooked.Secret);
        var pushed = repository.HeadSha;
        var newer = repository.Commit("pushed after the delivery was sent");

        var answer = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push",
            Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: pushed)));

        using var admin = await api.AdminAsync();
        var scan = await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true);
        Assert.Equal(("succeeded", "main", newer), (scan.Status, scan.Ref, scan.CommitSha));
    }

    [Fact]
    public async Task A_push_whose_branch_was_deleted_before_its_scan_ran_fails_without_naming_a_commit_it_never_read()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, secret) = (hooked.Repository, hooked.Secret);

        var answer = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push",
            Webhooks.Payload("github-push-new-branch", repository.FileUrl, gitRef: "deleted-since", sha: repository.HeadSha)));

        using var admin = await api.AdminAsync();
        var scan = await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true);
        Assert.Equal(("failed", "ref_not_found", "deleted-since", (string?)null), (scan.Status, scan.ErrorCode, scan.Ref, scan.CommitSha));
    }

    [Fact]
    public async Task A_GitLab_merge_request_opened_becomes_a_scan_of_its_source_branch()
    {
        using var hooked = await HookedProjectAsync("gitlab");
        var (repository, project, token) = (hooked.Repository, hooked.Project, hooked.Secret);

        var answer = await Webhooks.AnsweredAsync(await webhooks.GitLabAsync(token, "Merge Request Hook",
            Webhooks.Payload("gitlab-merge-request-open", repository.FileUrl, sha: repository.HeadSha)));

        Assert.Equal("enqueued", answer.Status);
        using var admin = await api.AdminAsync();
        Assert.Equal("succeeded", (await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true)).Status);
    }

    [Fact]
    public async Task A_pull_request_from_a_fork_becomes_a_scan_of_the_head_GitHub_keeps_for_it()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, secret) = (hooked.Repository, hooked.Secret);
        // The fork's commit, as GitHub keeps it in the base repository; no branch here has it.
        var forkCommit = repository.CommitFile("fork.txt", Encoding.UTF8.GetBytes("from a fork"));
        TrustedOss.TestSupport.TestGit.Run(repository.Path, "update-ref", "refs/pull/7/head", forkCommit);
        TrustedOss.TestSupport.TestGit.Run(repository.Path, "reset", "--quiet", "--hard", repository.HeadSha);
        var payload = JsonNode.Parse(Webhooks.Payload("github-pull_request-opened", repository.FileUrl, gitRef: "main", sha: forkCommit))!;
        payload["number"] = 7;
        payload["pull_request"]!["number"] = 7;
        payload["pull_request"]!["head"]!["repo"]!["full_name"] = "someone/fork";

        var answer = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "pull_request", Encoding.UTF8.GetBytes(payload.ToJsonString())));

        Assert.Equal("enqueued", answer.Status);
        using var admin = await api.AdminAsync();
        var scan = await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true);
        Assert.Equal(("succeeded", "refs/pull/7/head", forkCommit), (scan.Status, scan.Ref, scan.CommitSha));
    }

    [Fact]
    public async Task A_GitLab_delivery_signed_with_the_secret_as_a_signing_token_is_verified_within_five_minutes()
    {
        using var hooked = await HookedProjectAsync("gitlab");
        var (repository, project, signingToken) = (hooked.Repository, hooked.Project, hooked.Secret);
        var body = Webhooks.Payload("gitlab-push-hook", repository.FileUrl, sha: repository.HeadSha);

        var fresh = await Webhooks.AnsweredAsync(await webhooks.GitLabSignedAsync(signingToken, "Push Hook", body, DateTimeOffset.UtcNow));
        using var stale = await webhooks.GitLabSignedAsync(signingToken, "Push Hook", body, DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Equal("enqueued", fresh.Status);
        await Problems.ExpectAsync(stale, HttpStatusCode.Unauthorized, "Invalid Webhook Signature");
    }

    [Fact]
    public async Task A_delivery_for_a_ref_with_a_scan_already_going_is_skipped_naming_that_scan()
    {
        // A "repository" that accepts the connection and never answers keeps its scans running.
        using var silent = new TrustedOss.TestSupport.SilentServer(TrustedOss.TestSupport.SilentServer.AllowedForScans);
        var project = await api.ProjectAsync(await api.TeamAsync(), silent.RepositoryUrl);
        var secret = await webhooks.SetAsync(project.Id, "github");
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        var triggered = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "main" });

        var sameRef = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push", Webhooks.Payload("github-push-new-branch", silent.RepositoryUrl)));
        var otherRef = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push",
            Webhooks.Payload("github-push-new-branch", silent.RepositoryUrl, gitRef: "feature")));
        // The scan a delivery promised exists once the Scan service has taken the message.
        await Eventually.ValueAsync(async () => (await pipeline.GetAsync($"/v1/scans/{otherRef.ScanId}")).IsSuccessStatusCode ? "" : null,
            TimeSpan.FromSeconds(30), "the delivery's scan to be created");
        var sameAsWebhook = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "pull_request",
            Webhooks.Payload("github-pull_request-opened", silent.RepositoryUrl, gitRef: "feature")));

        Assert.Equal(("skipped_active_scan", triggered.Id), (sameRef.Status, sameRef.ScanId!.Value));
        Assert.Equal("enqueued", otherRef.Status);
        Assert.Equal(("skipped_active_scan", otherRef.ScanId), (sameAsWebhook.Status, sameAsWebhook.ScanId));
    }

    [Fact]
    public async Task A_forged_delivery_whose_address_holds_a_repositorys_addresses_does_not_block_its_real_deliveries()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, secret) = (hooked.Repository, hooked.Secret);
        // A real delivery names the repository by two addresses (its clone URL and an SSH one).
        const string sshAddress = "git@example.invalid:org/other";
        var real = JsonNode.Parse(Webhooks.Payload("github-push-new-branch", repository.FileUrl, gitRef: "forged-" + Guid.NewGuid().ToString("N")[..8], sha: repository.HeadSha))!;
        real["repository"]!["ssh_url"] = sshAddress;
        // The forgery, unsigned, names both in one address, with a newline between them.
        var forged = JsonNode.Parse(Webhooks.Payload("github-push-new-branch", $"{repository.FileUrl.ToLowerInvariant()}\n{sshAddress}"))!;

        // Every replica gets it (each keeps what it looked up): sent in concurrent waves, which travel on several connections.
        var refusals = await Replicas.ReadOnEachAsync(async () =>
        {
            using var refused = await webhooks.GitHubAsync("not-the-secret", "push", Encoding.UTF8.GetBytes(forged.ToJsonString()));
            return (await Problems.ExpectAsync(refused, HttpStatusCode.Unauthorized, "Invalid Webhook Signature")).GetProperty("title").GetString()!;
        }, waves: 2, perWave: 8);
        Assert.Equal(["Invalid Webhook Signature"], refusals);

        var answer = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push", Encoding.UTF8.GetBytes(real.ToJsonString())));
        Assert.Equal("enqueued", answer.Status);
    }

    [Fact]
    public async Task A_push_of_a_ref_too_long_to_scan_is_refused_and_nothing_is_stored()
    {
        using var hooked = await HookedProjectAsync("github");

        using var refused = await webhooks.GitHubAsync(hooked.Secret, "push",
            Webhooks.Payload("github-push-new-branch", hooked.Repository.FileUrl, gitRef: new string('a', 3000), sha: hooked.Repository.HeadSha));

        var problem = await Problems.ExpectAsync(refused, HttpStatusCode.UnprocessableEntity, "Validation Error");
        Assert.True(problem.GetProperty("errors").TryGetProperty("ref", out _));
        Assert.Empty(await webhooks.DeliveriesAsync(hooked.Project.Id));
    }

    [Fact]
    public async Task A_redelivery_is_a_duplicate_naming_the_first_scan_and_nothing_new_is_stored()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, github) = (hooked.Repository, hooked.Project, hooked.Secret);
        var body = Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: repository.HeadSha);
        var deliveryId = Guid.NewGuid().ToString();

        var first = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(github, "push", body, deliveryId));
        var again = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(github, "push", body, deliveryId));

        Assert.Equal(("enqueued", "duplicate"), (first.Status, again.Status));
        Assert.Equal(first.ScanId, again.ScanId);
        Assert.Single(await webhooks.DeliveriesAsync(project.Id));
    }

    [Fact]
    public async Task A_GitLab_retry_with_a_new_event_uuid_and_the_same_idempotency_key_is_a_duplicate()
    {
        using var hooked = await HookedProjectAsync("gitlab");
        var (repository, project, token) = (hooked.Repository, hooked.Project, hooked.Secret);
        var body = Webhooks.Payload("gitlab-push-hook", repository.FileUrl, sha: repository.HeadSha);
        var key = Guid.NewGuid().ToString();

        var first = await Webhooks.AnsweredAsync(await webhooks.GitLabAsync(token, "Push Hook", body, idempotencyKey: key));
        var retry = await Webhooks.AnsweredAsync(await webhooks.GitLabAsync(token, "Push Hook", body, idempotencyKey: key));

        Assert.Equal(("enqueued", "duplicate", first.ScanId), (first.Status, retry.Status, retry.ScanId));
    }

    [Fact]
    public async Task Two_projects_of_one_repository_each_get_their_scan_from_one_GitLab_event_without_an_idempotency_key()
    {
        // GitLab before 17.4: no Idempotency-Key, and one X-Gitlab-Event-UUID for every hook an event fires.
        using var repository = GitRepository.Create();
        var team = await api.TeamAsync();
        var projects = new[] { await api.ProjectAsync(team, repository.FileUrl), await api.ProjectAsync(team, repository.FileUrl) };
        var body = Webhooks.Payload("gitlab-push-hook", repository.FileUrl, sha: repository.HeadSha);
        var eventUuid = Guid.NewGuid().ToString();

        var answers = new List<Webhooks.Answer>();
        foreach (var project in projects)
        {
            var token = await webhooks.SetAsync(project.Id, "gitlab");
            answers.Add(await Webhooks.AnsweredAsync(await webhooks.SendAsync("gitlab", body,
                ("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", token), ("X-Gitlab-Event-UUID", eventUuid))));
        }

        Assert.All(answers, answer => Assert.Equal(("enqueued", eventUuid), (answer.Status, answer.DeliveryId)));
        Assert.NotEqual(answers[0].ScanId, answers[1].ScanId);
        foreach (var (project, answer) in projects.Zip(answers))
        {
            using var admin = await api.AdminAsync();
            var scan = await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true);
            Assert.Equal((project.Id, "succeeded"), (scan.ProjectId, scan.Status));
        }
    }

    [Fact]
    public async Task Deliveries_arriving_together_are_each_answered_for_themselves_copies_among_them_stored_once_and_a_refused_one_fails_alone()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, secret) = (hooked.Repository, hooked.Project, hooked.Secret);
        var ping = Webhooks.Payload("github-ping", repository.FileUrl);
        var push = Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: repository.HeadSha);
        var repeated = Guid.NewGuid().ToString();

        // Sent together, they are stored many to a transaction: each answer must still be its own,
        // and the one the database refuses (a NUL in its ref) must fail alone, with its 422.
        var refused = Webhooks.Payload("github-push-new-branch", repository.FileUrl, gitRef: "bad\u0000ref", sha: repository.HeadSha);
        var sends = new List<Func<Task<HttpResponseMessage>>>();
        sends.AddRange(Enumerable.Range(0, 40).Select(_ => (Func<Task<HttpResponseMessage>>)(() => webhooks.GitHubAsync(secret, "ping", ping))));
        sends.AddRange(Enumerable.Range(0, 10).Select(_ => (Func<Task<HttpResponseMessage>>)(() => webhooks.GitHubAsync(secret, "push", push, repeated))));
        // Amid the others, so that it is likely to arrive while a batch is being written and join the next.
        sends.Insert(24, () => webhooks.GitHubAsync(secret, "push", refused));
        var responses = new System.Collections.Concurrent.ConcurrentBag<(HttpStatusCode Status, string Body)>();
        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (send, token) =>
        {
            using var response = await send();
            responses.Add((response.StatusCode, await response.Content.ReadAsStringAsync(token)));
        });

        Assert.Single(responses, r => r.Status == HttpStatusCode.UnprocessableEntity);
        var answers = responses.Where(r => r.Status != HttpStatusCode.UnprocessableEntity)
            .Select(r => r.Status == HttpStatusCode.OK ? JsonSerializer.Deserialize<Webhooks.Answer>(r.Body, Json.Api)! : throw new Xunit.Sdk.XunitException(r.Body))
            .ToList();
        var pings = answers.Where(a => a.DeliveryId != repeated).ToList();
        var copies = answers.Where(a => a.DeliveryId == repeated).ToList();
        Assert.Equal(40, pings.Select(a => a.DeliveryId).Distinct().Count());
        Assert.All(pings, a => Assert.Equal(("ignored", null), (a.Status, a.ScanId)));
        Assert.Equal(["duplicate", "enqueued"], copies.Select(a => a.Status).Distinct().Order());
        Assert.Single(copies, a => a.Status == "enqueued");
        var scanId = Assert.Single(copies.Select(a => a.ScanId).Distinct())!.Value;

        await using var webhooksDb = await system.OpenDatabaseAsync(ResourceNames.WebhooksDatabase);
        var stored = await DeliveryIdsAsync(webhooksDb, project.Id);
        Assert.Equal(41, stored.Count);
        Assert.True(await TransactionCountAsync(webhooksDb, project.Id) < stored.Count, "No transaction stored more than one delivery.");
        await using var keysDb = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        await Eventually.ValueAsync(async () => await AuditRowCountAsync(keysDb, stored) >= stored.Count ? (object)true : null, TimeSpan.FromSeconds(30),
            "an audit row for each stored delivery");
        Assert.Equal(stored.Count, await AuditRowCountAsync(keysDb, stored));
        using var admin = await api.AdminAsync();
        Assert.Equal("succeeded", (await Scans.FinishedAsync(admin, scanId, promised: true)).Status);
    }

    [Theory]
    [InlineData("github", "ping", "github-ping")]
    [InlineData("github", "pull_request", "github-pull_request-closed")]
    [InlineData("github", "push", "github-push")]
    [InlineData("gitlab", "Merge Request Hook", "gitlab-merge-request-merge")]
    [InlineData("gitlab", "Tag Push Hook", "gitlab-push-hook")]
    public async Task Verified_events_that_do_not_scan_are_ignored_and_stored(string provider, string eventName, string fixture)
    {
        using var hooked = await HookedProjectAsync(provider);
        var (repository, project, secret) = (hooked.Repository, hooked.Project, hooked.Secret);
        var body = Webhooks.Payload(fixture, repository.FileUrl);

        var answer = await Webhooks.AnsweredAsync(provider == "github"
            ? await webhooks.GitHubAsync(secret, eventName, body)
            : await webhooks.GitLabAsync(secret, eventName, body));

        Assert.Equal(("ignored", (Guid?)null), (answer.Status, answer.ScanId));
        var stored = Assert.Single(await webhooks.DeliveriesAsync(project.Id));
        Assert.Equal("ignored", stored.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_bad_signature_and_an_unknown_repository_get_the_same_answer_and_store_nothing()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, secret) = (hooked.Repository, hooked.Project, hooked.Secret);
        var body = Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: repository.HeadSha);

        using var wrongSecret = await webhooks.GitHubAsync(secret + "x", "push", body);
        using var unknownRepository = await webhooks.GitHubAsync(secret, "push",
            Webhooks.Payload("github-push-new-branch", repository.FileUrl + "-elsewhere", sha: repository.HeadSha));
        using var wrongProvider = await webhooks.GitLabAsync(secret, "Push Hook", Webhooks.Payload("gitlab-push-hook", repository.FileUrl));
        using var gitLab = await HookedProjectAsync("gitlab");
        using var wrongToken = await webhooks.GitLabAsync(gitLab.Secret + "x", "Push Hook", Webhooks.Payload("gitlab-push-hook", gitLab.Repository.FileUrl));

        var details = new List<string?>();
        foreach (var answer in new[] { wrongSecret, unknownRepository, wrongProvider, wrongToken })
        {
            details.Add((await Problems.ExpectAsync(answer, HttpStatusCode.Unauthorized, "Invalid Webhook Signature")).GetProperty("detail").GetString());
        }

        Assert.Single(details.Distinct());
        Assert.Empty(await webhooks.DeliveriesAsync(project.Id));
        Assert.Empty(await webhooks.DeliveriesAsync(gitLab.Project.Id));
    }

    [Fact]
    public async Task A_delivery_that_is_not_a_json_object_or_lacks_a_providers_header_gets_a_400_naming_it_and_stores_nothing()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, secret) = (hooked.Repository, hooked.Project, hooked.Secret);
        var push = Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: repository.HeadSha);

        using var notJson = await webhooks.GitHubAsync(secret, "push", "{\"ref\": "u8.ToArray());
        using var notAnObject = await webhooks.GitHubAsync(secret, "push", "[]"u8.ToArray());
        using var notText = await webhooks.GitHubAsync(secret, "ping", Encoding.UTF8.GetBytes($$$"""{"repository":{"clone_url":"{{{repository.FileUrl}}}\ud800"}}"""));
        using var unsigned = await webhooks.SendAsync("github", push, ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", Guid.NewGuid().ToString()));
        using var noEvent = await webhooks.SendAsync("gitlab", Webhooks.Payload("gitlab-push-hook", repository.FileUrl), ("X-Gitlab-Token", secret));

        await Problems.ExpectAsync(notJson, HttpStatusCode.BadRequest, "Invalid JSON");
        await Problems.ExpectAsync(notAnObject, HttpStatusCode.BadRequest, "Invalid JSON");
        await Problems.ExpectAsync(notText, HttpStatusCode.BadRequest, "Invalid JSON");
        Assert.Contains("X-Hub-Signature-256", (await Problems.ExpectAsync(unsigned, HttpStatusCode.BadRequest, "Webhook Headers Missing")).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("X-Gitlab-Event", (await Problems.ExpectAsync(noEvent, HttpStatusCode.BadRequest, "Webhook Headers Missing")).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await webhooks.DeliveriesAsync(project.Id));
    }

    [Fact]
    public async Task During_a_rotation_both_secrets_verify_until_the_grace_ends()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, old) = (hooked.Repository, hooked.Project, hooked.Secret);
        using var admin = await api.AdminAsync();
        var body = Webhooks.Payload("github-ping", repository.FileUrl);

        var rotated = await Rotated(await admin.PostAsJsonAsync($"/v1/projects/{project.Id}/webhook/rotate", new { grace_hours = 1 }));
        var withOld = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(old, "ping", body));
        var withNew = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(rotated.Secret!, "ping", body));
        var again = await Rotated(await admin.PostAsJsonAsync($"/v1/projects/{project.Id}/webhook/rotate", new { grace_hours = 0 }));
        using var afterGrace = await webhooks.GitHubAsync(rotated.Secret!, "ping", body);

        Assert.Equal(("ignored", "ignored"), (withOld.Status, withNew.Status));
        Assert.NotEqual(old, rotated.Secret);
        Assert.InRange(rotated.PreviousSecretExpiresAt!.Value, DateTime.UtcNow.AddMinutes(59), DateTime.UtcNow.AddMinutes(61));
        Assert.Equal(HttpStatusCode.OK, (await webhooks.GitHubAsync(again.Secret!, "ping", body)).StatusCode);
        await Problems.ExpectAsync(afterGrace, HttpStatusCode.Unauthorized, "Invalid Webhook Signature");
    }

    [Fact]
    public async Task A_second_rotation_within_the_grace_keeps_the_secret_still_in_it_until_its_own_grace_ends()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, first) = (hooked.Repository, hooked.Project, hooked.Secret);
        using var admin = await api.AdminAsync();
        var body = Webhooks.Payload("github-ping", repository.FileUrl);

        // No body at all: the default grace of 24 hours.
        var second = await Rotated(await admin.PostAsync($"/v1/projects/{project.Id}/webhook/rotate", null));
        var third = await Rotated(await admin.PostAsJsonAsync($"/v1/projects/{project.Id}/webhook/rotate", new { grace_hours = 1 }));
        string[] secrets = [first, second.Secret!, third.Secret!];
        Task<HttpStatusCode[]> PingedWithEachAsync() => Task.WhenAll(secrets.Select(async secret =>
        {
            using var answer = await webhooks.GitHubAsync(secret, "ping", body);
            return answer.StatusCode;
        }));
        var verifying = await PingedWithEachAsync();
        var replaced = await Rotated(await admin.PutAsJsonAsync($"/v1/projects/{project.Id}/webhook", new { provider = "github" }));
        var refused = await PingedWithEachAsync();

        Assert.InRange(second.PreviousSecretExpiresAt!.Value, DateTime.UtcNow.AddHours(23.9), DateTime.UtcNow.AddHours(24.1));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], verifying);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], refused);
        Assert.NotNull(replaced.Secret);
    }

    [Fact]
    public async Task A_secret_that_cannot_be_decrypted_verifies_nothing_and_is_answered_as_an_unknown_repository_is()
    {
        using var other = await HookedProjectAsync("github");
        using var hooked = await HookedProjectAsync("github");
        // Another project's sealed secret: bound to that project, it does not decrypt under this one,
        // as a secret sealed under an earlier Webhooks__SecretKey does not.
        await using (var database = await system.OpenDatabaseAsync(ResourceNames.WebhooksDatabase))
        await using (var copy = new NpgsqlCommand(
            "UPDATE project_webhooks SET secret = (SELECT secret FROM project_webhooks WHERE project_id = @other) WHERE project_id = @project", database))
        {
            copy.Parameters.AddWithValue("other", other.Project.Id);
            copy.Parameters.AddWithValue("project", hooked.Project.Id);
            Assert.Equal(1, await copy.ExecuteNonQueryAsync());
        }

        using var signed = await webhooks.GitHubAsync(other.Secret, "ping", Webhooks.Payload("github-ping", hooked.Repository.FileUrl));

        await Problems.ExpectAsync(signed, HttpStatusCode.Unauthorized, "Invalid Webhook Signature");
        Assert.Empty(await webhooks.DeliveriesAsync(hooked.Project.Id));
    }

    [Fact]
    public async Task A_replaced_secret_stops_verifying_on_every_replica_as_soon_as_the_change_is_answered()
    {
        using var hooked = await HookedProjectAsync("github");
        using var admin = await api.AdminAsync();
        var ping = Webhooks.Payload("github-ping", hooked.Repository.FileUrl);
        // Sent in concurrent waves, so that they reach both replicas (Replicas), each of which then keeps the webhook.
        Task<string[]> PingsOnEach(string secret) => Replicas.ReadOnEachAsync(async () =>
        {
            using var answer = await webhooks.GitHubAsync(secret, "ping", ping);
            return answer.StatusCode.ToString();
        });

        Assert.Equal(["OK"], await PingsOnEach(hooked.Secret));
        var replaced = await Rotated(await admin.PutAsJsonAsync($"/v1/projects/{hooked.Project.Id}/webhook", new { provider = "github" }));

        Assert.Equal(["Unauthorized"], await PingsOnEach(hooked.Secret));
        using var withNew = await webhooks.GitHubAsync(replaced.Secret!, "ping", ping);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
    }

    [Fact]
    public async Task Only_a_team_admin_or_super_admin_manages_a_webhook_and_its_secret_is_never_shown_again()
    {
        using var repository = GitRepository.Create();
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, repository.FileUrl);
        using var teamAdmin = api.With(await api.UserAsync(team, "team_admin"));
        using var developer = api.With(await api.UserAsync(team, "developer"));
        using var outsider = api.With(await api.UserAsync(await api.TeamAsync(), "team_admin"));
        using var key = api.With(await api.AdminKeyAsync("org"));

        using var set = await teamAdmin.PutAsJsonAsync($"/v1/projects/{project.Id}/webhook", new { provider = "github" });
        using var byDeveloper = await developer.PutAsJsonAsync($"/v1/projects/{project.Id}/webhook", new { provider = "github" });
        using var byOutsider = await outsider.GetAsync($"/v1/projects/{project.Id}/webhook");
        using var byKey = await key.GetAsync($"/v1/projects/{project.Id}/webhook");
        using var badProvider = await teamAdmin.PutAsJsonAsync($"/v1/projects/{project.Id}/webhook", new { provider = "bitbucket" });
        var shown = await teamAdmin.GetFromJsonAsync<JsonElement>($"/v1/projects/{project.Id}/webhook");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var settings = (await set.Content.ReadFromJsonAsync<Webhooks.Settings>(Json.Api))!;
        Assert.StartsWith("whsec_", settings.Secret, StringComparison.Ordinal);
        Assert.EndsWith("/v1/webhooks/github", settings.WebhookUrl, StringComparison.Ordinal);
        await Problems.ExpectAsync(byDeveloper, HttpStatusCode.Forbidden);
        await Problems.ExpectAsync(byOutsider, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, byKey.StatusCode);
        await Problems.ExpectAsync(badProvider, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("github", shown.GetProperty("provider").GetString());
        Assert.DoesNotContain(settings.Secret!, shown.GetRawText(), StringComparison.Ordinal);
        Assert.False(shown.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task Every_stored_delivery_and_settings_change_reaches_the_one_audit_log_once_without_secrets()
    {
        using var hooked = await HookedProjectAsync("github");
        var (repository, project, secret) = (hooked.Repository, hooked.Project, hooked.Secret);
        var sent = DateTime.UtcNow.AddSeconds(-1);
        await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "ping", Webhooks.Payload("github-ping", repository.FileUrl)));
        var delivery = Assert.Single(await webhooks.DeliveriesAsync(project.Id)).GetProperty("id").GetGuid();

        await using var connection = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        var settingsDiff = await Eventually.ValueAsync(() => SingleDiffAsync(connection, "project_webhooks", project.Id), TimeSpan.FromSeconds(30),
            "the webhook's audit row");
        var deliveryDiff = await Eventually.ValueAsync(() => SingleDiffAsync(connection, "webhook_deliveries", delivery), TimeSpan.FromSeconds(30),
            "the delivery's audit row");

        Assert.Contains("\"secret\": \"***\"", settingsDiff, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, settingsDiff, StringComparison.Ordinal);
        Assert.Contains("ignored", deliveryDiff, StringComparison.Ordinal);

        // Where the manual sends a super admin to confirm it.
        using var admin = await api.AdminAsync();
        var page = await admin.GetFromJsonAsync<JsonElement>(
            $"/v1/admin/audit?target_table=webhook_deliveries&action=create&from={sent:O}&page_size=200");
        var row = Assert.Single(page.GetProperty("items").EnumerateArray(), row => row.GetProperty("target_id").GetGuid() == delivery);
        Assert.Equal((project.TeamId, "webhook_deliveries", "create"),
            (row.GetProperty("team_id").GetGuid(), row.GetProperty("target_table").GetString(), row.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_delivery_over_the_size_limit_is_refused_by_its_declared_and_by_its_streamed_size()
    {
        var oversized = new byte[(5 * 1024 * 1024) + 1];
        Array.Fill(oversized, (byte)' ');
        using var client = system.NewClient();

        using var declared = await client.PostAsync("/v1/webhooks/github", new ByteArrayContent(oversized));
        using var streamed = await client.PostAsync("/v1/webhooks/gitlab", new StreamContent(new MemoryStream(oversized)) { Headers = { ContentLength = null } });

        await Problems.ExpectAsync(declared, HttpStatusCode.RequestEntityTooLarge, "Payload Too Large");
        await Problems.ExpectAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "Payload Too Large");
    }

    [Fact]
    public async Task Any_other_request_body_over_64_KiB_is_refused()
    {
        using var client = system.NewClient();
        var body = new string('x', 64 * 1024);

        using var login = await client.PostAsJsonAsync("/auth/login", new { email = body, password = "x" });

        await Problems.ExpectAsync(login, HttpStatusCode.RequestEntityTooLarge, "Payload Too Large");
    }

    [Fact]
    public async Task An_address_past_its_deliveries_for_the_minute_gets_429_with_retry_after()
    {
        using var sender = system.NewClient();
        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(40));

        // The default allows 3,000 deliveries a minute from one address; each of these is counted,
        // then refused for its empty body.
        var answers = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 3_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
        {
            using var response = await sender.PostAsync("/v1/webhooks/github", new ByteArrayContent([]), token);
            answers.Add(response.StatusCode);
        });
        using var limited = await sender.PostAsync("/v1/webhooks/github", new ByteArrayContent([]));
        using var otherAddress = system.NewClient();
        using var neighbour = await otherAddress.PostAsync("/v1/webhooks/github", new ByteArrayContent([]));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.BadRequest, status));
        await Problems.ExpectAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.StartsWith("\"webhooks\";r=0;", Assert.Single(limited.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, neighbour.StatusCode);
    }

    /// <summary>A repository, its project, and the project's webhook for <paramref name="provider"/>, with its secret.</summary>
    private async Task<HookedProject> HookedProjectAsync(string provider)
    {
        var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        return new HookedProject(repository, project, await webhooks.SetAsync(project.Id, provider));
    }

    private sealed record HookedProject(GitRepository Repository, Api.Project Project, string Secret) : IDisposable
    {
        public void Dispose() => Repository.Dispose();
    }

    private static async Task<List<Guid>> DeliveryIdsAsync(NpgsqlConnection connection, Guid projectId)
    {
        await using var query = new NpgsqlCommand("SELECT id FROM webhook_deliveries WHERE project_id = @projectId", connection);
        query.Parameters.AddWithValue("projectId", projectId);
        var ids = new List<Guid>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>How many transactions stored the project's deliveries (rows one transaction wrote share its <c>xmin</c>).</summary>
    private static async Task<long> TransactionCountAsync(NpgsqlConnection connection, Guid projectId)
    {
        await using var query = new NpgsqlCommand("SELECT count(DISTINCT xmin::text) FROM webhook_deliveries WHERE project_id = @projectId", connection);
        query.Parameters.AddWithValue("projectId", projectId);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    /// <summary>Audit rows of these deliveries, repeats counted (the log must hold each exactly once).</summary>
    private static async Task<long> AuditRowCountAsync(NpgsqlConnection connection, List<Guid> deliveryIds)
    {
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM audit_log WHERE target_table = 'webhook_deliveries' AND target_id = ANY(@ids)", connection);
        query.Parameters.AddWithValue("ids", deliveryIds.ToArray());
        return (long)(await query.ExecuteScalarAsync())!;
    }

    private static async Task<string?> SingleDiffAsync(NpgsqlConnection connection, string table, Guid id)
    {
        await using var query = new NpgsqlCommand("SELECT diff::text FROM audit_log WHERE target_table = @table AND target_id = @id", connection);
        query.Parameters.AddWithValue("table", table);
        query.Parameters.AddWithValue("id", id);
        var diffs = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            diffs.Add(reader.GetString(0));
        }

        return diffs.Count switch
        {
            0 => null,
            1 => diffs[0],
            _ => throw new InvalidOperationException($"{diffs.Count} audit rows for one {table} change."),
        };
    }

    private static async Task<Webhooks.Settings> Rotated(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<Webhooks.Settings>(Json.Api))!;
        }
    }
}
