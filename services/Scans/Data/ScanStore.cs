using Dapper;
using Npgsql;

namespace TrustedOss.Scans.Data;

internal sealed class ScanStore(NpgsqlDataSource db)
{
    private const string Columns = """
        id, project_id AS ProjectId, kind, status, ref, commit_sha AS CommitSha, trigger,
        requested_by_user_id AS RequestedByUserId, api_key_id AS ApiKeyId, delivery_id AS DeliveryId,
        created_at AS CreatedAt, started_at AS StartedAt, completed_at AS CompletedAt,
        error_message AS ErrorMessage, component_count AS ComponentCount
        """;

    public async Task<Scan?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Scan>(new CommandDefinition(
            $"SELECT {Columns} FROM scans WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Inserts the scan unless one with its id exists; true when this call created it.</summary>
    public async Task<bool> TryCreateAsync(Scan scan, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO scans (id, project_id, kind, status, ref, commit_sha, trigger, requested_by_user_id,
                               api_key_id, delivery_id, created_at)
            VALUES (@Id, @ProjectId, @Kind, @Status, @Ref, @CommitSha, @Trigger, @RequestedByUserId,
                    @ApiKeyId, @DeliveryId, @CreatedAt)
            ON CONFLICT (id) DO NOTHING
            """,
            scan,
            cancellationToken: cancellationToken));
        return inserted == 1;
    }
}
