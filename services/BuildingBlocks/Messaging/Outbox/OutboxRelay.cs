using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox messages to RabbitMQ, then deletes them, in one transaction that
/// holds their rows (<c>FOR UPDATE SKIP LOCKED</c>): replicas share the work without sending a
/// message twice in the normal case. If RabbitMQ is down the rows stay and are retried. A message
/// RabbitMQ returns because no queue takes its type yet (each is published mandatory) stays and is
/// tried again later, without holding up the rows after it. A relay takes only the message types
/// its own version knows, so in a rolling upgrade the new types wait for a new replica. A crash between publish and delete can
/// repeat a message, which consumers treat idempotently.
/// </summary>
internal sealed class OutboxRelay(
    NpgsqlDataSource db, IBus bus, OutboxSignal signal, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new(Telemetry.NameOf("Messaging"));

    private static readonly Action<PublishContext> Mandatory = context => context.Mandatory = true;

    private readonly string[] knownTypes = [.. options.Value.MessageTypes.Keys];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RelayBatchAsync(stoppingToken) == options.Value.BatchSize)
                {
                    // A full batch: there may be more waiting.
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Outbox relay failed; the messages stay and are retried");
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }

            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
    }

    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<long>();
        var messages = new List<(long Id, string Type, string Body, string? TraceParent)>();
        await using (var select = new NpgsqlCommand(
            """
            SELECT id, message_type, body::text, trace_parent FROM outbox_messages
            WHERE failed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                AND message_type = ANY(@types)
            ORDER BY id LIMIT @batch FOR UPDATE SKIP LOCKED
            """,
            connection, transaction))
        {
            select.Parameters.AddWithValue("batch", options.Value.BatchSize);
            // Only the types this version can read: in a rolling upgrade, a message of a type only
            // the new version knows (ScanRequestedV2) is left for a replica of the new version,
            // not set aside by one of the old.
            select.Parameters.AddWithValue("types", knownTypes);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
                messages.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        // The rows stay locked while their batch is published: a publish that never ends would hold
        // them, and this relay, for good.
        using var timer = new CancellationTokenSource(options.Value.PublishTimeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var publishing = new List<(long Id, Task Publish)>();
        foreach (var (id, type, body, traceParent) in messages)
        {
            if (Read(type, body) is not { } message)
            {
                await SetAsideAsync(connection, transaction, id, $"Its {type} body cannot be read.", cancellationToken);
                continue;
            }

            publishing.Add((id, PublishAsync(message, type, traceParent, deadline.Token)));
        }

        // The batch is published at once, each message waiting only for its own confirm. What
        // RabbitMQ confirmed is deleted; what it returned waits before it is tried again; what it
        // did not confirm stays and the batch is tried again (consumers ignore what they saw). The
        // deadline also bounds the wait itself, should a publish not heed its cancellation.
        try
        {
            await Task.WhenAll(publishing.Select(p => p.Publish)).WaitAsync(options.Value.PublishTimeout, time, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Each message's own outcome is read below.
        }

        // One look at each outcome: a publish may still complete while they are read.
        var outcomes = publishing.Select(p => (p.Id, Outcome: OutcomeOf(p.Publish))).ToList();
        var sent = outcomes.Where(o => o.Outcome == Published.Confirmed).Select(o => o.Id).ToArray();
        var returned = outcomes.Where(o => o.Outcome == Published.Returned).Select(o => o.Id).ToArray();
        var unconfirmed = outcomes.Count(o => o.Outcome == Published.Unconfirmed);
        if (sent.Length > 0)
        {
            // The delete need not wait for the disk: were it lost in a crash, the batch would be
            // sent again, which consumers already take in their stride. Every commit of the
            // service's own changes still waits.
            await using var delete = new NpgsqlCommand(
                "SET LOCAL synchronous_commit TO off; DELETE FROM outbox_messages WHERE id = ANY(@ids)", connection, transaction);
            delete.Parameters.AddWithValue("ids", sent);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (returned.Length > 0)
        {
            await using var later = new NpgsqlCommand(
                """
                UPDATE outbox_messages SET returns = returns + 1,
                    next_attempt_at = now() + make_interval(secs => least(60, power(2, least(returns, 6))))
                WHERE id = ANY(@ids)
                """, connection, transaction);
            later.Parameters.AddWithValue("ids", returned);
            await later.ExecuteNonQueryAsync(cancellationToken);
            logger.LogWarning("RabbitMQ returned {Count} outbox messages: no queue takes their type yet (its consumer has not started); they are tried again later",
                returned.Length);
        }

        await transaction.CommitAsync(cancellationToken);
        if (unconfirmed > 0)
        {
            throw new TimeoutException($"RabbitMQ did not confirm {unconfirmed} of the batch's messages; they are sent again");
        }

        return ids.Count;
    }

    private enum Published { Confirmed, Returned, Unconfirmed }

    private static Published OutcomeOf(Task publish) => publish.Status switch
    {
        TaskStatus.RanToCompletion => Published.Confirmed,
        TaskStatus.Faulted when publish.Exception?.InnerException is MessageReturnedException => Published.Returned,
        _ => Published.Unconfirmed,
    };

    /// <summary>The message, or null when its body can never be read.</summary>
    private object? Read(string typeName, string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, options.Value.MessageTypes[typeName]);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            // Whatever the reason, a message that cannot be read now never will be: left pending,
            // it would come first in every batch and fail each of them.
            return null;
        }
    }

    private async Task SetAsideAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string error, CancellationToken cancellationToken)
    {
        logger.LogError("Outbox message {Id} set aside: {Error}", id, error);
        await using var update = new NpgsqlCommand("UPDATE outbox_messages SET failed_at = now(), error = @error WHERE id = @id", connection, transaction);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("error", error);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task PublishAsync(object message, string typeName, string? traceParent, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = ActivitySource.StartActivity("outbox publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.type", typeName);
        // Mandatory: a message no queue takes (its consumer's queue not declared yet, on a first
        // start) is returned by RabbitMQ, not dropped, and stays in the outbox until one does.
        await bus.Publish(message, message.GetType(), Mandatory, cancellationToken);
    }
}
