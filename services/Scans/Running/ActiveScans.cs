using Npgsql;
using StackExchange.Redis;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Redis;
using TrustedOss.Scans.Data;

namespace TrustedOss.Scans.Running;

/// <summary>
/// Keeps the <see cref="ActiveScanMarker"/> notes true: set when a scan is queued, removed when it
/// ends. Redis not answering never costs the scan. A note not written costs only a note (a delivery
/// for the same ref then starts a second scan). A note not removed would skip every delivery for the
/// ref for its whole lifetime, so the scan is kept in the database and its note is removed when
/// Redis answers again (<see cref="ClearPendingAsync"/>).
/// </summary>
internal sealed class ActiveScans(IConnectionMultiplexer redis, RedisDeadline redisDeadline, ActiveNoteClears pending, ILogger<ActiveScans> logger)
{
    /// <summary>How many pending notes one <see cref="ClearPendingAsync"/> removes at most.</summary>
    private const int ClearBatch = 200;

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

    public async Task StartedAsync(Scan scan)
    {
        try
        {
            await RunAsync(Start, scan.Id, scan.ProjectId, scan.Ref, ActiveScanMarker.Lifetime);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An outage or a defect alike: the note only spares a scan, and the scan is queued.
            logger.Log(LevelOf(ex), "The active-scan note of scan {ScanId} could not be written ({Reason})", scan.Id, ex.Message);
        }
    }

    public async Task EndedAsync(Guid scanId, Guid projectId, string? gitRef)
    {
        try
        {
            await RunAsync(End, scanId, projectId, gitRef, ActiveScanMarker.EndedLifetime);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An outage or a defect alike: the scan has ended, whatever becomes of its note.
            logger.Log(LevelOf(ex), "The active-scan note of scan {ScanId} could not be removed ({Reason}); it is removed once Redis answers", scanId, ex.Message);
        }

        try
        {
            await pending.AddAsync(scanId, projectId, gitRef, CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException || DatabaseOutage.Is(ex))
        {
            logger.LogError(ex, "The active-scan note of scan {ScanId} could not be kept for removal either; it expires by itself", scanId);
        }
    }

    /// <summary>
    /// Removes the notes of scans that ended while Redis did not answer, oldest first; stops at the
    /// first that Redis does not take (it is still away). Says how many were removed.
    /// </summary>
    public async Task<int> ClearPendingAsync(CancellationToken cancellationToken)
    {
        var due = await pending.DueAsync(ClearBatch, cancellationToken);
        var cleared = new List<Guid>();
        foreach (var note in due)
        {
            try
            {
                await RunAsync(End, note.ScanId, note.ProjectId, note.Ref, ActiveScanMarker.EndedLifetime);
                cleared.Add(note.ScanId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (!RedisOutage.Is(ex))
                {
                    logger.LogError(ex, "Removing the kept active-scan note of scan {ScanId} was refused", note.ScanId);
                }

                break;
            }
        }

        if (cleared.Count > 0)
        {
            await pending.RemoveAsync(cleared, cancellationToken);
        }

        return cleared.Count;
    }

    private Task<RedisResult> RunAsync(string script, Guid scanId, Guid projectId, string? gitRef, TimeSpan lifetime) =>
        redisDeadline.WithinAsync(redis.GetDatabase().ScriptEvaluateAsync(script,
            [ActiveScanMarker.Key(projectId, gitRef), ActiveScanMarker.EndedKey(projectId, scanId)],
            [scanId.ToString(), (long)lifetime.TotalMilliseconds]));

    /// <summary>An outage is expected now and then; anything else Redis answers is a defect to look at.</summary>
    private static LogLevel LevelOf(Exception exception) => RedisOutage.Is(exception) ? LogLevel.Warning : LogLevel.Error;
}
