using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox messages to RabbitMQ, then deletes them. A batch is claimed first
/// (<see cref="OutboxClaims"/>), so replicas share the work without sending a message twice in the
/// normal case, and no connection or transaction is held while RabbitMQ answers. If RabbitMQ is
/// down the rows stay and are retried. A message RabbitMQ returns because no queue takes its type
/// yet (each is published mandatory) stays and is tried again later, without holding up the rows
/// after it. A relay takes only the message types its own version knows, so in a rolling upgrade
/// the new types wait for a new replica. A crash between publish and delete can repeat a message,
/// which consumers treat idempotently.
/// </summary>
internal sealed class OutboxRelay(
    OutboxClaims claims, IBus bus, OutboxSignal signal, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new(Telemetry.NameOf("Messaging"));

    private static readonly Action<PublishContext> Mandatory = context => context.Mandatory = true;

    /// <summary>How long a batch given back on shutdown may take to be marked due again.</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

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
        // Claimed for longer than a publish may take, so that no other replica sends the batch
        // while this one still waits for RabbitMQ.
        var claimed = await claims.ClaimAsync(knownTypes, options.Value.BatchSize, options.Value.PublishTimeout * 2, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var setAside = new List<(long Id, string Error)>();
        var publishing = new List<(long Id, Task Publish)>();
        using var timer = new CancellationTokenSource(options.Value.PublishTimeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        foreach (var (id, type, body, traceParent) in claimed)
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
        // RabbitMQ confirmed is deleted; what it returned waits before it is tried again; what it
        // did not confirm is due again and the batch is tried again (consumers ignore what they
        // saw). The deadline also bounds the wait itself, should a publish not heed its cancellation.
        try
        {
            await Task.WhenAll(publishing.Select(p => p.Publish)).WaitAsync(options.Value.PublishTimeout, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the batch is given back at once rather than when its claim runs out.
            using var release = new CancellationTokenSource(ReleaseTimeout, time);
            await claims.SettleAsync(new BatchOutcome([], [], [.. publishing.Select(p => p.Id)], setAside), release.Token);
            throw;
        }
        catch (Exception)
        {
            // Each message's own outcome is read below.
        }

        // One look at each outcome: a publish may still complete while they are read.
        var outcomes = publishing.Select(p => (p.Id, Outcome: OutcomeOf(p.Publish))).ToList();
        long[] With(Published outcome) => [.. outcomes.Where(o => o.Outcome == outcome).Select(o => o.Id)];
        var batch = new BatchOutcome(With(Published.Confirmed), With(Published.Returned), With(Published.Unconfirmed), setAside);
        await claims.SettleAsync(batch, cancellationToken);
        if (batch.Returned.Length > 0)
        {
            logger.LogWarning("RabbitMQ returned {Count} outbox messages: no queue takes their type yet (its consumer has not started); they are tried again later",
                batch.Returned.Length);
        }

        if (batch.Unconfirmed.Length > 0)
        {
            throw new TimeoutException($"RabbitMQ did not confirm {batch.Unconfirmed.Length} of the batch's messages; they are sent again");
        }

        return claimed.Count;
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
