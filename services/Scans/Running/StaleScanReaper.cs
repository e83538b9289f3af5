using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Scans.Running;

/// <summary>
/// Ends scans whose runner died (a crash or restart mid-run leaves a scan "running" forever, and
/// an active API scan blocks new triggers of its project and ref with 409). A scan running longer
/// than <see cref="ScanRunnerOptions.RunningLease"/>, or queued longer than
/// <see cref="ScanRunnerOptions.QueuedLease"/>, is marked failed with a message that says so.
/// Any replica may run it: the updates are idempotent.
/// </summary>
internal sealed class StaleScanReaper(NpgsqlDataSource db, IOptions<ScanRunnerOptions> options, TimeProvider time, ILogger<StaleScanReaper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReaperInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReapAsync(stoppingToken);
            }
            catch (Exception ex) when (DependencyOutage.Is(ex) || ex is NpgsqlException)
            {
                logger.LogWarning(ex, "Could not look for interrupted scans; trying again in {Interval}", options.Value.ReaperInterval);
            }
        }
    }

    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        var now = time.UtcNowForDatabase();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var reaped = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE scans SET status = 'failed', completed_at = @now, error_message = CASE status
                WHEN 'running' THEN 'The scan was interrupted before it finished (its runner stopped). Trigger it again.'
                ELSE 'The scan was never started. Trigger it again.' END
            WHERE (status = 'running' AND started_at < @runningSince) OR (status = 'queued' AND created_at < @queuedSince)
            """,
            new { now, runningSince = now - options.Value.RunningLease, queuedSince = now - options.Value.QueuedLease },
            cancellationToken: cancellationToken));
        if (reaped > 0)
        {
            logger.LogWarning("Marked {Count} interrupted scans as failed", reaped);
        }
    }
}
