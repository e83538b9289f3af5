using System.Diagnostics;
using MassTransit;
using TrustedOss.Contracts;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Running;
using TrustedOss.Data;
using TrustedOss.Messaging;

namespace TrustedOss.Scans.Consumers;

/// <summary>
/// Turns a verified webhook delivery into exactly the scan the receiver promised (its
/// <see cref="DeliveryReceived.ScanId"/>) and queues it to run: a redelivered message finds the
/// scan already there and changes nothing.
/// </summary>
internal sealed class DeliveryReceivedConsumer(ScanQueue scans, ActiveScans active, TimeProvider time, ILogger<DeliveryReceivedConsumer> logger)
    : IConsumer<DeliveryReceived>
{
    public async Task Consume(ConsumeContext<DeliveryReceived> context)
    {
        var delivery = context.Message;
        if (delivery.ScanId == Guid.Empty || delivery.ProjectId == Guid.Empty || delivery.DeliveryId == Guid.Empty
            || string.IsNullOrWhiteSpace(delivery.RepositoryUrl))
        {
            throw new InvalidMessageException("DeliveryReceived needs a delivery id, a scan id, a project id and a repository URL.");
        }

        // No commit yet: the scan reads its branch when it starts (a queued scan covers the pushes
        // answered skipped_active_scan meanwhile), so the pushed commit may not be the one scanned.
        var scan = new Scan(
            delivery.ScanId, delivery.ProjectId, ScanKind.Source, ScanStatus.Queued, delivery.Ref, CommitSha: null,
            ScanTrigger.Webhook, RequestedByUserId: null, ApiKeyId: null, delivery.DeliveryId,
            CreatedAt: time.UtcNowForDatabase(), StartedAt: null, CompletedAt: null, ErrorCode: null, ErrorMessage: null, ComponentCount: null);

        if (await scans.TryQueueAsync(new QueuedScan(scan, TeamId: null, delivery.RepositoryUrl, Activity.Current?.Id), context.CancellationToken))
        {
            await active.StartedAsync(scan);
            // Debug: deliveries arrive by the hundred a second; the scan's outcome is logged when it ends.
            logger.LogDebug("Scan {ScanId} queued for project {ProjectId} from {Provider} delivery {DeliveryId}",
                delivery.ScanId, delivery.ProjectId, delivery.Provider, delivery.DeliveryId);
        }
        else
        {
            logger.LogInformation("Delivery {DeliveryId} was already turned into scan {ScanId}", delivery.DeliveryId, delivery.ScanId);
        }
    }
}

/// <summary>
/// Many deliveries at once, so that their scans are stored many to a transaction
/// (<see cref="ScanQueue"/>): each message still succeeds or fails on its own.
/// </summary>
internal sealed class DeliveryReceivedConsumerDefinition : ConsumerDefinition<DeliveryReceivedConsumer>
{
    private const int AtOnce = 64;

    public DeliveryReceivedConsumerDefinition()
    {
        ConcurrentMessageLimit = AtOnce;
        Endpoint(endpoint => endpoint.PrefetchCount = AtOnce);
    }
}
