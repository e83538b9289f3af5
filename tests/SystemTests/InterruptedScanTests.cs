using System.Net.Http.Json;
using Npgsql;
using RabbitMQ.Client;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;
using TrustedOss.TestSupport;

namespace TrustedOss.SystemTests;

/// <summary>A scan whose runner died or was interrupted must not stay "running" (and block its project's ref) forever.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class InterruptedScanTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_scan_running_when_RabbitMQ_restarts_runs_again_once_it_is_back()
    {
        // A "repository" that never answers keeps the scan running (until the git timeout, 30 s).
        using var silent = new SilentServer(SilentServer.AllowedForScans);
        var project = await api.ProjectAsync(await api.TeamAsync(), silent.RepositoryUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        var scan = await Scans.TriggeredAsync(pipeline, project.Id);
        var firstRun = await Eventually.ValueAsync(() => RunningAsync(pipeline, scan.Id), TimeSpan.FromSeconds(30), "the scan to start");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await system.App.StopResourceAsync(ResourceNames.RabbitMq, timeout.Token);
        await system.App.StartResourceAsync(ResourceNames.RabbitMq, timeout.Token);

        // The redelivered message carries the interrupted run's message id, so it runs the scan again
        // rather than finding it "running" and leaving it for the lease to fail.
        await Eventually.ValueAsync(
            async () => await RunningAsync(pipeline, scan.Id) is { } run && run.StartedAt > firstRun.StartedAt ? run : null,
            TimeSpan.FromSeconds(30), "the scan to run again");
    }

    /// <summary>The scan while it is running (its <c>started_at</c> tells one run from the next), else null.</summary>
    private static async Task<Scans.Scan?> RunningAsync(HttpClient client, Guid scanId)
    {
        using var response = await client.GetAsync($"/v1/scans/{scanId}");
        response.EnsureSuccessStatusCode();
        var scan = (await response.Content.ReadFromJsonAsync<Scans.Scan>(Json.Api))!;
        return scan.Status == "running" ? scan : null;
    }

    [Fact]
    public async Task A_scan_left_running_past_its_lease_is_failed_and_a_fresh_one_is_not()
    {
        var projectId = Guid.NewGuid();
        var stale = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        // Run again a moment ago, first started long ago: its run keeps stopping the service.
        var restarted = Guid.NewGuid();
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO scans (id, project_id, kind, status, ref, trigger, created_at, started_at) VALUES
                (@stale, @projectId, 'source', 'running', 'main', 'api', now() - interval '2 hours', now() - interval '2 hours'),
                (@fresh, @projectId, 'source', 'running', 'dev', 'api', now(), now());
            INSERT INTO scans (id, project_id, kind, status, ref, trigger, created_at, started_at, first_started_at) VALUES
                (@restarted, @projectId, 'source', 'running', 'crashing', 'api', now() - interval '2 hours', now(), now() - interval '2 hours')
            """, connection))
        {
            insert.Parameters.AddWithValue("stale", stale);
            insert.Parameters.AddWithValue("fresh", fresh);
            insert.Parameters.AddWithValue("restarted", restarted);
            insert.Parameters.AddWithValue("projectId", projectId);
            await insert.ExecuteNonQueryAsync();
        }

        var message = await Eventually.ValueAsync(() => FailureAsync(connection, stale), TimeSpan.FromSeconds(30), "the stale scan to be failed");

        Assert.Contains("interrupted", message, StringComparison.Ordinal);
        Assert.Contains("interrupted", await FailureAsync(connection, restarted), StringComparison.Ordinal);
        Assert.Null(await FailureAsync(connection, fresh));
    }

    [Fact]
    public async Task A_scan_queued_past_its_lease_is_failed_unless_its_request_is_still_waiting_in_the_outbox()
    {
        var projectId = Guid.NewGuid();
        var lost = Guid.NewGuid();
        var waiting = Guid.NewGuid();
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        // Both queued two hours ago; the request of one is still in the outbox, as after RabbitMQ
        // was down all that time (due again in an hour, so the relay leaves it alone here).
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO scans (id, project_id, kind, status, ref, trigger, created_at) VALUES
                (@lost, @projectId, 'source', 'queued', 'main', 'api', now() - interval '2 hours'),
                (@waiting, @projectId, 'source', 'queued', 'dev', 'api', now() - interval '2 hours');
            INSERT INTO outbox_messages (message_type, body, created_at, next_attempt_at)
                VALUES ('TrustedOss.Contracts.ScanRequested', jsonb_build_object('ScanId', @waiting), now() - interval '2 hours', now() + interval '1 hour')
            """, connection))
        {
            insert.Parameters.AddWithValue("lost", lost);
            insert.Parameters.AddWithValue("waiting", waiting);
            insert.Parameters.AddWithValue("projectId", projectId);
            await insert.ExecuteNonQueryAsync();
        }

        try
        {
            var message = await Eventually.ValueAsync(() => FailureAsync(connection, lost), TimeSpan.FromSeconds(30), "the lost scan to be failed");

            Assert.Contains("never started", message, StringComparison.Ordinal);
            Assert.Null(await FailureAsync(connection, waiting));
        }
        finally
        {
            await using var delete = new NpgsqlCommand(
                "DELETE FROM outbox_messages WHERE body->>'ScanId' = @waiting::text; DELETE FROM scans WHERE id = @waiting", connection);
            delete.Parameters.AddWithValue("waiting", waiting);
            await delete.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_scan_queued_past_its_lease_is_not_failed_while_scan_requests_wait_for_a_runner()
    {
        // Every runner of both replicas held by a repository that never answers, and requests
        // waiting behind them: a backlog, as after a burst of pushes.
        using var silent = new SilentServer(SilentServer.AllowedForScans);
        var project = await api.ProjectAsync(await api.TeamAsync(), silent.RepositoryUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        for (var i = 0; i < 12; i++)
        {
            await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = $"backlog-{i}" });
        }

        var factory = new ConnectionFactory { Uri = new Uri(await system.ConnectionStringAsync(ResourceNames.RabbitMq)) };
        await using var rabbitmq = await factory.CreateConnectionAsync();
        await Eventually.ValueAsync(async () => await WaitingRequestsAsync(rabbitmq) > 0 ? true : (bool?)null, TimeSpan.FromSeconds(30),
            "scan requests waiting for a runner");

        var queued = Guid.NewGuid();
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO scans (id, project_id, kind, status, ref, trigger, created_at) VALUES (@id, @projectId, 'source', 'queued', 'main', 'api', now() - interval '2 hours')",
            connection))
        {
            insert.Parameters.AddWithValue("id", queued);
            insert.Parameters.AddWithValue("projectId", Guid.NewGuid());
            await insert.ExecuteNonQueryAsync();
        }

        // The reaper looks every second here, and would fail a lost request's scan at its second
        // look 2 s after the first: four rounds while the backlog lasts (the silent repository
        // holds each runner for its 30 s git timeout).
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Null(await FailureAsync(connection, queued));
        Assert.True(await WaitingRequestsAsync(rabbitmq) > 0, "the backlog lasted through the rounds watched");

        // The repository gone, every waiting scan fails at once and the queue drains: a scan still
        // queued then was handed to no runner, and is failed.
        silent.Dispose();
        var message = await Eventually.ValueAsync(() => FailureAsync(connection, queued), TimeSpan.FromSeconds(60), "the never-started scan to be failed");
        Assert.Contains("never started", message, StringComparison.Ordinal);
    }

    private static async Task<uint> WaitingRequestsAsync(IConnection rabbitmq)
    {
        await using var channel = await rabbitmq.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync("scan-requested")).MessageCount;
    }

    private static async Task<string?> FailureAsync(NpgsqlConnection connection, Guid scanId)
    {
        await using var query = new NpgsqlCommand("SELECT error_message FROM scans WHERE id = @id AND status = 'failed'", connection);
        query.Parameters.AddWithValue("id", scanId);
        return await query.ExecuteScalarAsync() as string;
    }
}
