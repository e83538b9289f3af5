using System.Diagnostics;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Messaging.Outbox;
using TrustedOss.ServiceDefaults;
using TrustedOss.WebhookIngest.Data;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>A verified delivery waiting to be stored, with what must commit with it.</summary>
/// <param name="Scan">The message that makes its scan, when it asks for one.</param>
/// <param name="TraceParent">The receiving request's trace (W3C): the scan's message continues it, the batch links to it.</param>
internal sealed record DeliveryWrite(DeliveryRow Delivery, string RequestId, DeliveryReceived? Scan, AuditRecorded Audit, string? TraceParent);

/// <summary>
/// Stores verified deliveries many to a transaction (<see cref="GroupCommit{T}"/>): each with its
/// <see cref="DeliveryReceived"/>, and the batch's audit rows in one <see cref="AuditBatchRecorded"/>.
/// Every request waits for its own commit before it is answered.
/// </summary>
internal sealed class DeliveryWriter : BackgroundService
{
    /// <summary>At most this many deliveries to one transaction.</summary>
    internal const int MaxBatch = 256;

    private static readonly ActivitySource ActivitySource = new(Telemetry.NameOf("WebhookIngest"));

    private readonly WebhookStore store;
    private readonly Outbox outbox;
    private readonly GroupCommit<DeliveryWrite> batches;

    public DeliveryWriter(WebhookStore store, Outbox outbox, WebhookMetrics metrics, ILogger<DeliveryWriter> logger)
    {
        this.store = store;
        this.outbox = outbox;
        batches = new GroupCommit<DeliveryWrite>(WriteTogetherAsync, DatabaseOutage.Is, MaxBatch)
        {
            Writing = metrics.Writing,
            Refused = (ex, size) => logger.LogWarning(ex, "A batch of {Count} deliveries was refused; each is written alone", size),
        };
    }

    /// <summary>Stores the delivery with its messages; false when (project, provider, delivery id) was stored before (a repeat).</summary>
    public Task<bool> StoreAsync(DeliveryWrite write, CancellationToken cancellationToken) => batches.StoreAsync(write, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => batches.RunAsync(stoppingToken);

    /// <summary>One transaction: the deliveries not stored before, their scans' messages, their audit rows. Says which were new.</summary>
    private async Task<bool[]> WriteTogetherAsync(IReadOnlyList<DeliveryWrite> writes, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity(
            "webhook deliveries store", ActivityKind.Internal, parentContext: default,
            links: writes.Select(w => ActivityContext.TryParse(w.TraceParent, null, out var request) ? new ActivityLink(request) : default)
                .Where(link => link.Context != default));
        activity?.SetTag("trustedoss.webhooks.batch.size", writes.Count);

        var (connection, transaction) = await store.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            var stored = await WebhookStore.TryAddDeliveriesAsync(transaction, [.. writes.Select(w => (w.Delivery, w.RequestId))]);
            var added = writes.Where(w => stored.Contains(w.Delivery.Id)).ToList();
            var messages = added.Where(w => w.Scan is not null)
                .Select(w => new OutboxEntry(w.Scan!, w.TraceParent))
                .ToList();
            if (added.Count > 0)
            {
                messages.Add(new OutboxEntry(new AuditBatchRecorded([.. added.Select(w => w.Audit)]), activity?.Id));
            }

            await outbox.EnqueueAllAsync(transaction, messages, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outbox.Flush();
            return [.. writes.Select(w => stored.Contains(w.Delivery.Id))];
        }
    }
}
