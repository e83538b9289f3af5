using TrustedOss.Data;

namespace TrustedOss.Scans.Data;

/// <summary>
/// Queues scans many to a transaction (<see cref="GroupCommit{T}"/>): API triggers and the
/// delivery consumer (which takes many messages at once) each wait for the commit of their own
/// scan before answering or acknowledging.
/// </summary>
internal sealed class ScanQueue : BackgroundService
{
    /// <summary>At most this many scans to one transaction.</summary>
    internal const int MaxBatch = 128;

    private readonly GroupCommit<QueuedScan> batches;

    public ScanQueue(ScanStore scans, ILogger<ScanQueue> logger) =>
        batches = new GroupCommit<QueuedScan>(scans.TryQueueAllAsync, DatabaseOutage.Is, MaxBatch)
        {
            Refused = (ex, size) => logger.LogWarning(ex, "A batch of {Count} scans was refused; each is queued alone", size),
        };

    /// <summary>
    /// Stores the scan and its request to run; false when it was not stored: stored before (a
    /// redelivered message), or an API scan while another of its project and ref is active.
    /// </summary>
    public Task<bool> TryQueueAsync(QueuedScan scan, CancellationToken cancellationToken) => batches.StoreAsync(scan, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => batches.RunAsync(stoppingToken);
}
