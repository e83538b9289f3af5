using StackExchange.Redis;
using TrustedOss.Contracts;
using TrustedOss.Redis;

namespace TrustedOss.Scans.Running;

/// <summary>
/// Keeps the <see cref="ActiveScanMarker"/> notes true: set when a scan is queued, removed when it
/// ends. Best effort by design: Redis not answering costs only a note (a delivery for the same ref
/// then starts a second scan), never the scan.
/// </summary>
internal sealed class ActiveScans(IConnectionMultiplexer redis, RedisDeadline redisDeadline, ILogger<ActiveScans> logger)
{
    public Task StartedAsync(Scan scan) =>
        BestEffortAsync(redis.GetDatabase().StringSetAsync(ActiveScanMarker.Key(scan.ProjectId, scan.Ref), scan.Id.ToString(), ActiveScanMarker.Lifetime),
            scan.Id);

    /// <summary>Removes the note only if it is still this scan's (a later scan of the ref may have replaced it).</summary>
    public Task EndedAsync(Guid scanId, Guid projectId, string? gitRef) =>
        BestEffortAsync(redis.GetDatabase().ScriptEvaluateAsync(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            [ActiveScanMarker.Key(projectId, gitRef)], [scanId.ToString()]), scanId);

    private async Task BestEffortAsync<T>(Task<T> command, Guid scanId)
    {
        try
        {
            await redisDeadline.WithinAsync(command);
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            logger.LogWarning("The active-scan note of scan {ScanId} could not be written ({Reason})", scanId, ex.Message);
        }
    }
}
