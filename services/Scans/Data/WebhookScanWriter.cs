using TrustedOss.Data;

namespace TrustedOss.Scans.Data;

/// <summary>
/// Queues webhook scans many to a transaction (<see cref="GroupCommit{T}"/>): the delivery
/// consumer takes many messages at once, and each waits for the commit of its own scan before its
/// message is acknowledged.
/// </summary>
internal sealed class WebhookScanWriter : BackgroundService
{
    /// <summary>At most this many scans to one transaction.</summary>
    internal const int MaxBatch = 128;

    private readonly GroupCommit<QueuedScan> batches;

    public WebhookScanWriter(ScanStore scans, ILogger<WebhookScanWriter> logger) =>
        batches = new GroupCommit<QueuedScan>(scans.TryQueueAllAsync, DatabaseOutage.Is, MaxBatch)
        {
            Refused = (ex, size) => logger.LogWarning(ex, "A batch of {Count} webhook scans was refused; each is queued alone", size),
        };

    /// <summary>Stores the scan and its request to run; false when it was stored before (a redelivered message).</summary>
    public Task<bool> TryQueueAsync(QueuedScan scan) => batches.StoreAsync(scan);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => batches.RunAsync(stoppingToken);
}
