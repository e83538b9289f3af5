using Dapper;
using Npgsql;
using TrustedOss.Contracts;
using TrustedOss.Data;

namespace TrustedOss.Scans.Data;

/// <summary>The ended scans whose active-scan note is still to be removed from Redis (<see cref="Running.ActiveScans"/>).</summary>
internal sealed class ActiveNoteClears(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>One ended scan whose note is still to be removed.</summary>
    public sealed record Pending(Guid ScanId, Guid ProjectId, string? Ref);

    public async Task AddAsync(Guid scanId, Guid projectId, string? gitRef, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO active_note_clears (scan_id, project_id, ref, ended_at) VALUES (@scanId, @projectId, @gitRef, @now)
            ON CONFLICT (scan_id) DO NOTHING
            """,
            new { scanId, projectId, gitRef, now = time.UtcNowForDatabase() }, cancellationToken: cancellationToken));
    }

    /// <summary>The oldest pending notes, at most <paramref name="limit"/>; those older than a note lives have expired by themselves and are dropped.</summary>
    public async Task<IReadOnlyList<Pending>> DueAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM active_note_clears WHERE ended_at < @expired",
            new { expired = time.UtcNowForDatabase() - ActiveScanMarker.Lifetime }, cancellationToken: cancellationToken));
        return [.. await connection.QueryAsync<Pending>(new CommandDefinition(
            "SELECT scan_id AS ScanId, project_id AS ProjectId, ref FROM active_note_clears ORDER BY ended_at LIMIT @limit",
            new { limit }, cancellationToken: cancellationToken))];
    }

    public async Task RemoveAsync(IReadOnlyList<Guid> scanIds, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM active_note_clears WHERE scan_id = ANY(@scanIds)", new { scanIds = scanIds.ToArray() }, cancellationToken: cancellationToken));
    }
}
