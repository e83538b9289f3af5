using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client.Exceptions;
using TrustedOss.Data;
using TrustedOss.Messaging;
using TrustedOss.Redis;
using TrustedOss.Scans.Consumers;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Inventory;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Scans.Running;

/// <summary>
/// Ends scans whose runner died (a crash or restart mid-run leaves a scan "running" forever, and
/// an active API scan blocks new triggers of its project and ref with 409). A scan running longer
/// than <see cref="ScanRunnerOptions.RunningLease"/>, or queued longer than
/// <see cref="ScanRunnerOptions.QueuedLease"/> with a request no runner will take
/// (<see cref="NeverStartedWatch"/>), is marked failed with a message that says so. Each
/// round also removes the active-scan notes Redis did not take away when their scans ended
/// (<see cref="ActiveScans.ClearPendingAsync"/>) and the work folders of runs that died on this
/// host (<see cref="CommitInventory.RemoveAbandonedWorkFolders"/>). Any replica may run it: the
/// updates are idempotent.
/// </summary>
internal sealed class StaleScanReaper(
    ScanStore scans, ActiveScans active, CommitInventory inventory, QueueBacklog backlog, IOptions<ScanRunnerOptions> options,
    TimeProvider time, ILogger<StaleScanReaper> logger)
    : BackgroundService
{
    private readonly NeverStartedWatch watch = new(options.Value.NeverStartedSettle);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReaperInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReapAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException || DatabaseOutage.Is(ex) || DependencyOutage.Is(ex) || RedisOutage.Is(ex))
            {
                logger.LogWarning(ex, "Could not look for interrupted scans; trying again in {Interval}", options.Value.ReaperInterval);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A defect (a statement or a Redis command refused) is logged and tried again, not left to stop the service.
                logger.LogError(ex, "Looking for interrupted scans failed; trying again in {Interval}", options.Value.ReaperInterval);
            }
        }
    }

    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        var now = time.UtcNowForDatabase();
        await EndAsync(await scans.FailInterruptedAsync(now - options.Value.RunningLease, cancellationToken), "interrupted");
        await EndAsync(await NeverStartedAsync(now - options.Value.QueuedLease, cancellationToken), "never started");

        if (inventory.RemoveAbandonedWorkFolders(time.GetUtcNow().UtcDateTime - options.Value.RunningLease) is > 0 and var folders)
        {
            logger.LogWarning("Removed {Count} work folders left by scans whose runner stopped", folders);
        }

        if (await active.ClearPendingAsync(cancellationToken) is > 0 and var cleared)
        {
            logger.LogInformation("Removed the active-scan notes of {Count} scans that ended while Redis did not answer", cleared);
        }
    }

    /// <summary>Clears the failed scans' active-scan notes (so the next delivery for each ref scans again) and says how many.</summary>
    private async Task EndAsync(IReadOnlyList<ScanStore.AbandonedScan> failed, string what)
    {
        foreach (var scan in failed)
        {
            await active.EndedAsync(scan.Id, scan.ProjectId, scan.Ref);
        }

        if (failed.Count > 0)
        {
            logger.LogWarning("Marked {Count} scans as failed: {What}", failed.Count, what);
        }
    }

    /// <summary>Fails the scans queued past their lease whose request no runner will take (<see cref="NeverStartedWatch"/>).</summary>
    private async Task<IReadOnlyList<ScanStore.AbandonedScan>> NeverStartedAsync(DateTime queuedSince, CancellationToken cancellationToken)
    {
        // The scans are read first, the queue looked at after: a request the look finds not
        // waiting went out before it.
        var queued = await scans.QueuedPastAsync(queuedSince, cancellationToken);
        var due = watch.Due(queued, queued.Length > 0 && await NoRequestWaitingAsync(cancellationToken), time.GetUtcNow());
        return due.Count == 0 ? [] : await scans.FailNeverStartedAsync(due, cancellationToken);
    }

    /// <summary>
    /// Whether no scan request waits in the runners' queue: while any does, a scan queued past its
    /// lease may be waiting behind a backlog, not lost. Unknown (RabbitMQ not answering) counts as waiting.
    /// </summary>
    private async Task<bool> NoRequestWaitingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var waiting = await backlog.WaitingAsync<ScanRequestedConsumer>(cancellationToken);
            if (waiting > 0)
            {
                logger.LogInformation("Scans are queued past their lease while {Count} scan requests wait for a runner; none is failed", waiting);
            }

            return waiting == 0;
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not ask RabbitMQ how many scan requests wait; no queued scan is failed this round");
            return false;
        }
    }
}
