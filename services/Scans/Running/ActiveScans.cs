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
    /// <summary>
    /// The note is written after the scan's commit, and the runner may end the scan first (a ref
    /// that is not there fails at once): a note written then would name an ended scan for its whole
    /// lifetime and skip every delivery of the ref. So it is written only if the scan has not ended.
    /// </summary>
    private const string Start = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    /// <summary>The scan is remembered as ended first; the note is removed only if it is still this scan's (a later scan of the ref may have replaced it).</summary>
    private const string End = """
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public Task StartedAsync(Scan scan) =>
        RunAsync(Start, scan.Id, scan.ProjectId, scan.Ref, ActiveScanMarker.Lifetime);

    public Task EndedAsync(Guid scanId, Guid projectId, string? gitRef) =>
        RunAsync(End, scanId, projectId, gitRef, ActiveScanMarker.EndedLifetime);

    private Task RunAsync(string script, Guid scanId, Guid projectId, string? gitRef, TimeSpan lifetime) =>
        BestEffortAsync(redis.GetDatabase().ScriptEvaluateAsync(script,
            [ActiveScanMarker.Key(projectId, gitRef), ActiveScanMarker.EndedKey(projectId, scanId)],
            [scanId.ToString(), (long)lifetime.TotalMilliseconds]), scanId);

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
