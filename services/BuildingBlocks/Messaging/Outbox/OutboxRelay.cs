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
/// Publishes committed outbox messages to RabbitMQ, then deletes them. A batch is taken under row
/// locks (<c>FOR UPDATE SKIP LOCKED</c>), so replicas share the work without sending a message
/// twice in the normal case; if RabbitMQ has not answered within <see cref="HoldFor"/>, the rows
/// still waiting are claimed instead and the transaction ends (<see cref="OutboxClaims"/>). If
/// RabbitMQ is down the rows stay and are retried. A message RabbitMQ returns because no queue
/// takes its type yet (each is published mandatory) stays and is tried again later, without holding
/// up the rows after it. A relay takes only the message types its own version knows, so in a
/// rolling upgrade the new types wait for a new replica. A crash between publish and delete can
/// repeat a message, which consumers treat idempotently.
/// </summary>
internal sealed class OutboxRelay(
    NpgsqlDataSource db, OutboxClaims claims, IBus bus, OutboxSignal signal, IOptions<OutboxOptions> options, TimeProvider time,
    ILogger<OutboxRelay> logger)
    : BackgroundService
{
    /// <summary>
    /// How long a batch's transaction may wait for RabbitMQ. Its confirms take milliseconds; a
    /// batch still waiting after this is claimed and waited for without a transaction.
    /// </summary>
    internal static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(1);

    private static readonly ActivitySource ActivitySource = new(Telemetry.NameOf("Messaging"));

    private static readonly Action<PublishContext> Mandatory = context => context.Mandatory = true;

    /// <summary>How long settling a claimed batch may take, shutting down or not.</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(2);

    private readonly string[] knownTypes = [.. options.Value.MessageTypes.Keys];

    /// <summary>Longer than a publish may take, so that no other replica sends a claimed batch while this one still waits.</summary>
    private TimeSpan ClaimFor => options.Value.PublishTimeout * 2;

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
        using var timer = new CancellationTokenSource(options.Value.PublishTimeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var connection = await db.OpenConnectionAsync(cancellationToken);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            var taken = await OutboxClaims.TakeAsync(transaction, knownTypes, options.Value.BatchSize, cancellationToken);
            if (taken.Count == 0)
            {
                return 0;
            }

            var setAside = new List<(long Id, string Error)>();
            var publishing = new List<(long Id, Task Publish)>();
            foreach (var (id, type, body, traceParent) in taken)
            {
                if (Read(type, body) is not { } message)
                {
                    logger.LogError("Outbox message {Id} set aside: its {Type} body cannot be read", id, type);
                    setAside.Add((id, $"Its {type} body cannot be read."));
                    continue;
                }

                publishing.Add((id, PublishAsync(message, type, traceParent, deadline.Token)));
            }

            // The batch is published at once, each message waiting only for its own confirm. What
            // RabbitMQ confirmed is deleted; what it returned waits before it is tried again; what
            // it did not confirm is due again and the batch is tried again (consumers ignore what
            // they saw). A shutdown meanwhile rolls the transaction back: the rows are due at once.
            var all = Task.WhenAll(publishing.Select(p => p.Publish));
            await WaitAsync(all, HoldFor, cancellationToken);
            var outcome = OutcomesOf(publishing, setAside, stillWaiting: !all.IsCompleted);
            var claim = Claim.New(ClaimFor);
            await OutboxClaims.SettleAsync(outcome, claim, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (outcome.Waiting.Length > 0)
            {
                await transaction.DisposeAsync();
                transaction = null;
                await connection.DisposeAsync();
                outcome = await AwaitClaimedAsync(all, [.. publishing.Where(p => outcome.Waiting.Contains(p.Id))], claim, outcome, cancellationToken);
            }

            return Report(outcome, taken.Count);
        }
        finally
        {
            // Left early (a failed settle, a shutdown): no publish goes on after the batch is given up.
            await deadline.CancelAsync();
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
        }
    }

    /// <summary>RabbitMQ is slow: the rest of the wait for the claimed rows, holding no connection, then their settling.</summary>
    private async Task<BatchOutcome> AwaitClaimedAsync(
        Task all, IReadOnlyList<(long Id, Task Publish)> claimed, Claim claim, BatchOutcome before, CancellationToken cancellationToken)
    {
        try
        {
            await WaitAsync(all, options.Value.PublishTimeout - HoldFor, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: settled below all the same, then the shutdown goes on.
        }

        // Settled even when shutting down, on a short timeout of its own: what RabbitMQ confirmed
        // is deleted and the rest is due again at once, rather than all of it sent again when the
        // claim runs out.
        var after = OutcomesOf(claimed, [], stillWaiting: false);
        using (var settling = new CancellationTokenSource(SettleTimeout, time))
        {
            await claims.SettleClaimedAsync(after, claim, settling.Token);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new BatchOutcome([.. before.Sent, .. after.Sent], [.. before.Returned, .. after.Returned], [.. before.Unconfirmed, .. after.Unconfirmed], before.SetAside);
    }

    /// <summary>Waits for the batch's publishes up to <paramref name="limit"/>; each message's own outcome is read afterwards.</summary>
    private async Task WaitAsync(Task all, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            // The limit also bounds the wait itself, should a publish not heed its cancellation.
            await all.WaitAsync(limit, time, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A publish failed, or the limit passed: read per message below.
        }
    }

    private int Report(BatchOutcome outcome, int taken)
    {
        if (outcome.Returned.Length > 0)
        {
            logger.LogWarning("RabbitMQ returned {Count} outbox messages: no queue takes their type yet (its consumer has not started); they are tried again later",
                outcome.Returned.Length);
        }

        if (outcome.Unconfirmed.Length > 0)
        {
            throw new TimeoutException($"RabbitMQ did not confirm {outcome.Unconfirmed.Length} of the batch's messages; they are sent again");
        }

        return taken;
    }

    /// <summary>One look at each publish (one may complete while they are read); those not done yet are waiting, if allowed, else unconfirmed.</summary>
    private static BatchOutcome OutcomesOf(IReadOnlyList<(long Id, Task Publish)> publishing, IReadOnlyList<(long Id, string Error)> setAside, bool stillWaiting)
    {
        var outcomes = publishing.Select(p => (p.Id, Outcome: OutcomeOf(p.Publish, stillWaiting))).ToList();
        long[] With(Published outcome) => [.. outcomes.Where(o => o.Outcome == outcome).Select(o => o.Id)];
        return new BatchOutcome(With(Published.Confirmed), With(Published.Returned), With(Published.Unconfirmed), setAside)
        {
            Waiting = With(Published.Waiting),
        };
    }

    private enum Published { Confirmed, Returned, Unconfirmed, Waiting }

    private static Published OutcomeOf(Task publish, bool stillWaiting) => publish.Status switch
    {
        TaskStatus.RanToCompletion => Published.Confirmed,
        TaskStatus.Faulted when publish.Exception?.InnerException is MessageReturnedException => Published.Returned,
        TaskStatus.Faulted or TaskStatus.Canceled => Published.Unconfirmed,
        _ => stillWaiting ? Published.Waiting : Published.Unconfirmed,
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
