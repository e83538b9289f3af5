using System.Net.Http.Json;
using Npgsql;
using RabbitMQ.Client;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// The outbox sends each message once, keeps what no queue takes yet, leaves a type it does not know
/// for a version that does, never lets one bad message hold up the others, and holds no transaction
/// open while it waits for RabbitMQ.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class OutboxTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_published_message_leaves_the_outbox()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        var scan = await Scans.TriggeredAsync(pipeline, project.Id);
        Assert.Equal("succeeded", (await Scans.FinishedAsync(pipeline, scan.Id)).Status);

        // Published means deleted in the same transaction; a row left behind would go out again and again.
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        await using var query = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE body::text LIKE @scan", connection);
        query.Parameters.AddWithValue("scan", $"%{scan.Id}%");
        await Eventually.ValueAsync(async () => (long)(await query.ExecuteScalarAsync())! == 0 ? "gone" : null,
            TimeSpan.FromSeconds(10), "the scan's outbox row to be deleted");
    }

    [Fact]
    public async Task An_unreadable_message_is_set_aside_one_of_a_newer_type_is_left_for_a_newer_replica_and_neither_holds_up_the_rest()
    {
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        // A body this version cannot read, and a type only a newer version knows (a rolling upgrade).
        var unreadableId = await InsertAsync(connection, "TrustedOss.Contracts.ScanRequested", """{"ScanId": "not-a-guid"}""");
        var newerId = await InsertAsync(connection, "TrustedOss.Contracts.ScanRequestedV2", "{}");
        try
        {
            using var repository = GitRepository.Create();
            var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
            using var pipeline = api.With(await api.AdminKeyAsync("org"));
            var scan = await Scans.TriggeredAsync(pipeline, project.Id);

            Assert.Equal("succeeded", (await Scans.FinishedAsync(pipeline, scan.Id)).Status);
            await using var query = new NpgsqlCommand("SELECT id, failed_at IS NOT NULL, error FROM outbox_messages WHERE id = ANY(@ids)", connection);
            query.Parameters.AddWithValue("ids", new[] { unreadableId, newerId });
            var rows = new Dictionary<long, (bool SetAside, string? Error)>();
            await using (var reader = await query.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows[reader.GetInt64(0)] = (reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2));
                }
            }

            Assert.True(rows[unreadableId].SetAside);
            Assert.Contains("ScanRequested", rows[unreadableId].Error, StringComparison.Ordinal);
            Assert.Equal((false, null), rows[newerId]);
        }
        finally
        {
            // Neither row may go on waiting in the outbox the other tests share.
            await using var delete = new NpgsqlCommand("DELETE FROM outbox_messages WHERE id = ANY(@ids)", connection);
            delete.Parameters.AddWithValue("ids", new[] { unreadableId, newerId });
            await delete.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> InsertAsync(NpgsqlConnection connection, string type, string body)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO outbox_messages (message_type, body, created_at) VALUES (@type, @body::jsonb, now()) RETURNING id", connection);
        insert.Parameters.AddWithValue("type", type);
        insert.Parameters.AddWithValue("body", body);
        return (long)(await insert.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task While_RabbitMQ_does_not_answer_the_relay_holds_no_transaction_open_and_its_message_goes_out_afterwards()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        var heldOpen = new List<string>();
        Scans.Scan scan;
        await using (await ServerPause.StartAsync(system, ResourceNames.RabbitMq))
        {
            scan = await Scans.TriggeredAsync(pipeline, project.Id);
            // A relay has taken the request (no other could take it now) and is waiting for
            // RabbitMQ's confirm that never comes.
            await using var taken = new NpgsqlCommand(
                """
                SELECT EXISTS (SELECT 1 FROM outbox_messages WHERE body->>'ScanId' = @scan)
                    AND NOT EXISTS (SELECT 1 FROM outbox_messages WHERE body->>'ScanId' = @scan
                        AND (next_attempt_at IS NULL OR next_attempt_at <= now()) FOR UPDATE SKIP LOCKED)
                """, connection);
            taken.Parameters.AddWithValue("scan", scan.Id.ToString());
            await Eventually.ValueAsync(async () => (bool)(await taken.ExecuteScalarAsync())! ? "taken" : null,
                TimeSpan.FromSeconds(10), "a relay to take the request");

            // Meanwhile no session of the service's database sits in a transaction for long (a
            // relay waits a second for RabbitMQ in its own): a relay holding one for as long as
            // RabbitMQ is away would keep a pooled connection and hold back vacuum.
            await using var sessions = new NpgsqlCommand(
                """
                SELECT query FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                    AND state LIKE 'idle in transaction%' AND xact_start < now() - interval '3 seconds'
                """, connection);
            for (var look = 0; look < 15; look++)
            {
                await using (var reader = await sessions.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        heldOpen.Add(reader.GetString(0));
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(400));
            }
        }

        Assert.Empty(heldOpen);
        Assert.Equal("succeeded", (await Scans.FinishedAsync(pipeline, scan.Id)).Status);
    }

    [Fact]
    public async Task A_message_no_queue_takes_yet_stays_in_the_outbox_until_one_does()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        // As on a first start before the Scan service's consumers have declared their queues: the
        // scan requests' exchange leads to no queue. RabbitMQ would drop what is published there.
        var factory = new ConnectionFactory { Uri = new Uri(await system.ConnectionStringAsync(ResourceNames.RabbitMq)) };
        await using var broker = await factory.CreateConnectionAsync();
        await using var channel = await broker.CreateChannelAsync();
        const string messageExchange = "TrustedOss.Contracts:ScanRequested", consumerExchange = "scan-requested";
        await channel.ExchangeUnbindAsync(consumerExchange, messageExchange, "");
        Scans.Scan scan;
        try
        {
            scan = await Scans.TriggeredAsync(pipeline, project.Id);
            // The relay publishes the request, RabbitMQ returns it, and the relay keeps it for later.
            await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
            await using var query = new NpgsqlCommand(
                "SELECT returns FROM outbox_messages WHERE body::text LIKE @scan AND failed_at IS NULL AND returns >= 2", connection);
            query.Parameters.AddWithValue("scan", $"%{scan.Id}%");
            await Eventually.ValueAsync(async () => await query.ExecuteScalarAsync(), TimeSpan.FromSeconds(30), "the request to be returned twice");
            Assert.Equal("queued", (await pipeline.GetFromJsonAsync<Scans.Scan>($"/v1/scans/{scan.Id}", Json.Api))!.Status);
        }
        finally
        {
            await channel.ExchangeBindAsync(consumerExchange, messageExchange, "");
        }

        Assert.Equal("succeeded", (await Scans.FinishedAsync(pipeline, scan.Id)).Status);
    }
}
