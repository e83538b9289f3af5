using MassTransit;
using Microsoft.Extensions.Options;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Messaging;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Running;

namespace TrustedOss.Scans.Consumers;

/// <summary>
/// Runs a queued scan: queued → running → succeeded | failed. Only the message that moves the scan
/// out of queued runs it, so a second copy of the request never runs a scan twice. A run cut short
/// (the bus lost RabbitMQ or is stopping, the database failed before the outcome was written) ends
/// with the message unacknowledged; its redelivery or retry, carrying the same message id, runs the
/// scan again.
/// </summary>
internal sealed class ScanRequestedConsumer(
    ScanStore scans, GitRefResolver git, CommitInventory inventory, ActiveScans active, ScanMetrics metrics, TimeProvider time,
    ILogger<ScanRequestedConsumer> logger)
    : IConsumer<ScanRequested>
{
    public async Task Consume(ConsumeContext<ScanRequested> context)
    {
        var request = context.Message;
        // MassTransit gives every message an id, kept across redeliveries and retries.
        if (!await scans.TryStartAsync(request.ScanId, context.MessageId ?? throw new InvalidMessageException("A scan request without a message id."), context.CancellationToken))
        {
            logger.LogInformation("Scan {ScanId} is not queued any more; nothing to run", request.ScanId);
            // A run that ended and then stopped before clearing its active-scan note (a crash, a
            // restart) is redelivered here: the note goes now, or deliveries for the ref would be
            // skipped for the note's whole lifetime.
            if (await scans.FindAsync(request.ScanId, context.CancellationToken) is { Scan.Status: ScanStatus.Succeeded or ScanStatus.Failed })
            {
                await active.EndedAsync(request.ScanId, request.ProjectId, request.Ref);
            }

            return;
        }

        var started = time.GetTimestamp();
        try
        {
            var remote = await git.CheckAsync(request.RepositoryUrl, request.Ref, context.CancellationToken);
            var resolved = await git.ResolveAsync(remote, request.Ref, context.CancellationToken);
            var found = await inventory.TakeAsync(remote, resolved.CommitSha, request.ScanId, resolved.Ref, context.CancellationToken);
            await scans.SucceedAsync(request.ScanId, resolved.CommitSha, resolved.Ref, found, CancellationToken.None);
            await FinishedAsync(request, ScanStatus.Succeeded, started);
            logger.LogInformation("Scan {ScanId} succeeded at {CommitSha} ({Ref}) with {ComponentCount} components and {WarningCount} warnings",
                request.ScanId, resolved.CommitSha, resolved.Ref, found.ComponentCount, found.Warnings.Count);
        }
        catch (ScanFailedException ex)
        {
            await scans.FailAsync(request.ScanId, ex.Error, CancellationToken.None);
            await FinishedAsync(request, ScanStatus.Failed, started);
            logger.LogInformation("Scan {ScanId} failed: {ErrorCode}", request.ScanId, ex.Error.Code);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !DatabaseOutage.Is(ex))
        {
            // A fault of this code would only fail again on a retry: record it. A database outage
            // is left to the retry, whose same message id runs the scan again.
            await scans.FailAsync(request.ScanId, ScanError.Internal, CancellationToken.None);
            await FinishedAsync(request, ScanStatus.Failed, started);
            logger.LogError(ex, "Scan {ScanId} stopped on an internal error", request.ScanId);
        }
    }

    /// <summary>Counts the ended scan and clears its active-scan note, so the next delivery for the ref scans again.</summary>
    private Task FinishedAsync(ScanRequested request, string status, long started)
    {
        metrics.Finished(status, time.GetElapsedTime(started));
        return active.EndedAsync(request.ScanId, request.ProjectId, request.Ref);
    }
}

/// <summary>
/// A replica takes only as many requests as it runs at once (<see cref="ScanRunnerOptions.ConcurrentScans"/>):
/// the rest wait in the queue, where any free replica takes them and where the reaper sees them
/// waiting (<see cref="StaleScanReaper"/>), not in one replica's buffer.
/// </summary>
internal sealed class ScanRequestedConsumerDefinition : ConsumerDefinition<ScanRequestedConsumer>
{
    public ScanRequestedConsumerDefinition(IOptions<ScanRunnerOptions> options)
    {
        var atOnce = options.Value.ConcurrentScans;
        ConcurrentMessageLimit = atOnce;
        Endpoint(endpoint => endpoint.PrefetchCount = atOnce);
    }
}
