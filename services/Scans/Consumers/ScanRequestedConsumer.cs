using MassTransit;
using TrustedOss.Contracts;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Running;

namespace TrustedOss.Scans.Consumers;

/// <summary>
/// Runs a queued scan: queued → running → succeeded | failed. Only the delivery that moves the scan
/// out of queued runs it, so a message delivered twice never runs a scan twice; a run the bus
/// interrupts puts the scan back to queued for the message's next delivery.
/// </summary>
internal sealed class ScanRequestedConsumer(
    ScanStore scans, GitRefResolver git, CommitInventory inventory, ActiveScans active, ScanMetrics metrics, TimeProvider time,
    ILogger<ScanRequestedConsumer> logger)
    : IConsumer<ScanRequested>
{
    public async Task Consume(ConsumeContext<ScanRequested> context)
    {
        var request = context.Message;
        if (!await scans.TryStartAsync(request.ScanId, context.CancellationToken))
        {
            logger.LogInformation("Scan {ScanId} is not queued any more; nothing to run", request.ScanId);
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
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The bus is stopping or lost its broker: the message goes back to the queue unacknowledged,
            // and its next delivery (here or on another replica) must find the scan queued to run it.
            await scans.RequeueAsync(request.ScanId, CancellationToken.None);
            logger.LogWarning("Scan {ScanId} was interrupted (the bus is stopping or lost RabbitMQ) and is queued again", request.ScanId);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The scan has left queued, so a retry would not run it: record the failure instead.
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
