using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using RabbitMQ.Client;
using TrustedOss.AppHost;
using TrustedOss.Contracts;

using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>Events cross RabbitMQ between services, keep their trace, and never vanish.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class MessagingTests(SystemFixture system)
{
    private const string DeliveryReceivedErrorQueue = "delivery-received_error";

    [Fact]
    public async Task A_services_bus_user_cannot_publish_a_message_that_service_never_sends()
    {
        var forged = new ScanRequested(Guid.NewGuid(), Guid.NewGuid(), "https://127.0.0.1/org/forged.git", null, DateTimeOffset.UtcNow);
        var allowed = forged with { ScanId = Guid.NewGuid() };

        // Webhook-Ingest sends deliveries and audit rows, never a scan request: RabbitMQ refuses it
        // the exchange, and the publish never completes.
        await using (var webhookIngest = await TestBus.StartAsync(await system.ConnectionStringAsync(ResourceNames.WebhookIngestBus)))
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => webhookIngest.Publisher.Publish(forged, patience.Token));
        }

        await system.WaitForLogAsync(ResourceNames.RabbitMq,
            "access to exchange 'TrustedOss.Contracts:ScanRequested' in vhost '/' refused for user 'webhook-ingest'", "RabbitMQ's refusal");

        // The Scan service's own user may (the scan does not exist, so nothing runs).
        await using var scans = await TestBus.StartAsync(await system.ConnectionStringAsync(ResourceNames.ScansBus));
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await scans.Publisher.Publish(allowed, patience.Token);
        }

        await system.WaitForLogAsync(ResourceNames.Scans, $"Scan {allowed.ScanId} is not queued any more", "the Scan service to take the request");
        Assert.DoesNotContain(await system.LogsAsync(ResourceNames.Scans), line => line.Contains(forged.ScanId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_published_delivery_becomes_a_scan_in_the_same_trace()
    {
        await using var bus = await TestBus.StartAsync(await system.ConnectionStringAsync(ResourceNames.RabbitMq));
        var delivery = NewDelivery();

        string traceId;
        using (var activity = new Activity("webhook delivery accepted").Start())
        {
            traceId = activity.TraceId.ToHexString();
            await bus.Publisher.Publish(delivery);
        }

        var scan = await Eventually.ValueAsync(() => FindScanAsync(delivery.ScanId), TimeSpan.FromSeconds(30), "the scan made from the delivery");

        Assert.Equal(delivery.ProjectId, scan.ProjectId);
        Assert.Equal(delivery.DeliveryId, scan.DeliveryId);
        Assert.Equal("webhook", scan.Trigger);

        // The consumer's log lines carry the publisher's trace id: one trace spans both processes.
        var logs = await system.LogsAsync(ResourceNames.Scans);
        Assert.Contains(logs, line => line.Contains(traceId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redelivered_message_does_not_make_a_second_scan()
    {
        await using var bus = await TestBus.StartAsync(await system.ConnectionStringAsync(ResourceNames.RabbitMq));
        var delivery = NewDelivery();

        await bus.Publisher.Publish(delivery);
        await bus.Publisher.Publish(delivery with { Ref = "refs/heads/other" });
        var refs = new[] { "refs/heads/main", "refs/heads/other" };

        var scan = await Eventually.ValueAsync(() => FindScanAsync(delivery.ScanId), TimeSpan.FromSeconds(30), "the scan made from the delivery");

        // Whichever copy arrived first made the scan; the second found it there and added nothing
        // (rather than failing on the duplicate and being retried into the error queue).
        await system.WaitForLogAsync(ResourceNames.Scans, $"Delivery {delivery.DeliveryId} was already turned into scan", "the second copy to be recognised");
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM scans WHERE delivery_id = @id", connection);
        count.Parameters.AddWithValue("id", delivery.DeliveryId);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
        Assert.Contains(scan.Ref, refs);
    }

    [Fact]
    public async Task A_redelivered_scan_request_does_not_run_a_finished_scan_again()
    {
        using var repository = GitRepository.Create();
        var api = new Api(system);
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        var first = await Scans.FinishedAsync(pipeline, (await Scans.TriggeredAsync(pipeline, project.Id)).Id);
        Assert.Equal("succeeded", first.Status);

        // The repository moves on, then the scan's request arrives again (a broker redelivery):
        // a second run would record the new commit and a new completion time.
        repository.Commit("second");
        await using var bus = await TestBus.StartAsync(await system.ConnectionStringAsync(ResourceNames.RabbitMq));
        await bus.Publisher.Publish(new ScanRequested(first.Id, project.Id, repository.FileUrl, null, DateTimeOffset.UtcNow));

        await system.WaitForLogAsync(ResourceNames.Scans, $"Scan {first.Id} is not queued any more", "the redelivered request to be consumed");
        var after = await pipeline.GetFromJsonAsync<Scans.Scan>($"/v1/scans/{first.Id}", Json.Api);
        Assert.Equal(first, after);
    }

    [Fact]
    public async Task A_message_its_consumer_keeps_refusing_ends_in_the_error_queue()
    {
        var rabbitmq = await system.ConnectionStringAsync(ResourceNames.RabbitMq);
        await using var bus = await TestBus.StartAsync(rabbitmq);
        var poison = NewDelivery() with { ScanId = Guid.Empty };

        await bus.Publisher.Publish(poison);

        var factory = new ConnectionFactory { Uri = new Uri(rabbitmq) };
        await using var connection = await factory.CreateConnectionAsync();
        var message = await Eventually.ValueAsync(
            () => FindAsync(connection, DeliveryReceivedErrorQueue, poison.DeliveryId.ToString()),
            TimeSpan.FromSeconds(60), "the poison message in the error queue");

        var headers = message.BasicProperties.Headers!;
        Assert.Contains("InvalidMessageException", Encoding.UTF8.GetString((byte[])headers["MT-Fault-ExceptionType"]!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no id")]
    [InlineData("an action the log does not know")]
    [InlineData("a diff jsonb refuses")]
    public async Task A_batch_of_audit_rows_with_a_bad_one_keeps_the_good_ones_and_goes_to_the_error_queue(string fault)
    {
        var rabbitmq = await system.ConnectionStringAsync(ResourceNames.RabbitMq);
        await using var bus = await TestBus.StartAsync(rabbitmq);
        var good = new AuditRecorded(Guid.NewGuid(), DateTimeOffset.UtcNow, null, null, null, "webhook_deliveries", Guid.NewGuid(), "create", null, "{}");
        var bad = fault switch
        {
            "no id" => good with { Id = Guid.Empty },
            "an action the log does not know" => good with { Id = Guid.NewGuid(), Action = "rotate" },
            _ => good with { Id = Guid.NewGuid(), Diff = """{"ref":"a\u0000b"}""" },
        };

        await bus.Publisher.Publish(new AuditBatchRecorded([bad, good]));

        var factory = new ConnectionFactory { Uri = new Uri(rabbitmq) };
        await using var connection = await factory.CreateConnectionAsync();
        var message = await Eventually.ValueAsync(
            () => FindAsync(connection, "audit-recorded_error", good.Id.ToString()), TimeSpan.FromSeconds(60), "the batch in the error queue");
        Assert.Contains("InvalidMessageException", Encoding.UTF8.GetString((byte[])message.BasicProperties.Headers!["MT-Fault-ExceptionType"]!),
            StringComparison.Ordinal);
        await using var keys = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM audit_log WHERE id = @id", keys);
        count.Parameters.AddWithValue("id", good.Id);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    /// <summary>Takes messages off the queue until the one mentioning <paramref name="marker"/> turns up.</summary>
    private static async Task<BasicGetResult?> FindAsync(IConnection connection, string queue, string marker)
    {
        // MassTransit creates the error queue with the first fault; until then a get fails and closes the channel.
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                if (Encoding.UTF8.GetString(message.Body.Span).Contains(marker, StringComparison.Ordinal))
                {
                    return message;
                }
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // Not there yet.
        }

        return null;
    }

    private static DeliveryReceived NewDelivery() => new(
        DeliveryId: Guid.NewGuid(),
        ScanId: Guid.NewGuid(),
        ProjectId: Guid.NewGuid(),
        RepositoryUrl: "file:///nonexistent/repository",
        Provider: "github",
        EventType: "push",
        Ref: "refs/heads/main",
        CommitSha: "0123456789abcdef0123456789abcdef01234567",
        ReceivedAt: DateTimeOffset.UtcNow);

    private async Task<ScanRow?> FindScanAsync(Guid scanId)
    {
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        await using var query = new NpgsqlCommand("SELECT project_id, delivery_id, trigger, ref FROM scans WHERE id = @id", connection);
        query.Parameters.AddWithValue("id", scanId);
        await using var reader = await query.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new ScanRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    private sealed record ScanRow(Guid ProjectId, Guid DeliveryId, string Trigger, string? Ref);
}
