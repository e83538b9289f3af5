using System.Text.Json;
using Dapper;
using Npgsql;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Messaging.Outbox;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Data;

/// <summary>
/// The one audit log (CONTRACT §5): opens the transactions every change here runs in, each carrying
/// who made it, and appends the rows other services send (<see cref="AuditRecorded"/>).
/// </summary>
internal sealed class AuditedChanges(NpgsqlDataSource db, Outbox outbox, TimeProvider time)
{
    /// <summary>An id seen before is a redelivered row: the log keeps the first.</summary>
    internal const string InsertRow = """
        INSERT INTO audit_log (id, created_at, actor_user_id, actor_api_key_id, team_id, target_table, target_id, action, request_id,
                               client_request_id, diff)
        VALUES (@Id, @CreatedAt, @ActorUserId, @ActorApiKeyId, @TeamId, @TargetTable, @TargetId, @Action, @RequestId,
                @ClientRequestId, @Diff::jsonb)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>Appends a row another service recorded with its own change; false when it was appended before.</summary>
    public async Task<bool> AppendAsync(AuditRecorded row, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertRow, row with { CreatedAt = row.CreatedAt.ToUniversalTime() },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Appends many rows in one statement; returns how many were new.</summary>
    public async Task<int> AppendAllAsync(IReadOnlyList<AuditRecorded> rows, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (id, created_at, actor_user_id, actor_api_key_id, team_id, target_table, target_id, action, request_id,
                                   client_request_id, diff)
            SELECT id, created_at, actor_user_id, actor_api_key_id, team_id, target_table, target_id, action, request_id, client_request_id,
                   diff::jsonb
            FROM unnest(@ids, @createdAt, @actorUserIds, @actorApiKeyIds, @teamIds, @targetTables, @targetIds, @actions, @requestIds,
                        @clientRequestIds, @diffs)
                AS r(id, created_at, actor_user_id, actor_api_key_id, team_id, target_table, target_id, action, request_id, client_request_id, diff)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                ids = rows.Select(r => r.Id).ToArray(),
                createdAt = rows.Select(r => r.CreatedAt.UtcDateTime).ToArray(),
                actorUserIds = rows.Select(r => r.ActorUserId).ToArray(),
                actorApiKeyIds = rows.Select(r => r.ActorApiKeyId).ToArray(),
                teamIds = rows.Select(r => r.TeamId).ToArray(),
                targetTables = rows.Select(r => r.TargetTable).ToArray(),
                targetIds = rows.Select(r => r.TargetId).ToArray(),
                actions = rows.Select(r => r.Action).ToArray(),
                requestIds = rows.Select(r => r.RequestId).ToArray(),
                clientRequestIds = rows.Select(r => r.ClientRequestId).ToArray(),
                diffs = rows.Select(r => r.Diff).ToArray(),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<AuditedTransaction> BeginAsync(CallerIdentity caller, HttpContext http)
    {
        var connection = await db.OpenConnectionAsync(http.RequestAborted);
        try
        {
            var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
            return new AuditedTransaction(connection, transaction, caller, http, outbox, time);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// One change and its audit rows, committed together: the log never misses a change nor records
/// one that was rolled back. Stores write through <see cref="Command"/>; the handler records what
/// changed. Disposed uncommitted, everything rolls back.
/// </summary>
internal sealed class AuditedTransaction(
    NpgsqlConnection connection, NpgsqlTransaction transaction, CallerIdentity caller, HttpContext http, Outbox outbox, TimeProvider time)
    : IAsyncDisposable
{
    private readonly CancellationToken cancellationToken = http.RequestAborted;

    /// <summary>What secrets are written as in a diff.</summary>
    public const string Redacted = "***";

    public NpgsqlConnection Connection => connection;

    /// <summary>A command in this transaction.</summary>
    public CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>Appends one audit row; pass secrets as <see cref="Redacted"/>.</summary>
    public Task RecordAsync(string targetTable, Guid targetId, string action, Guid? teamId, object diff) =>
        Connection.ExecuteAsync(Command(AuditedChanges.InsertRow, new AuditRecorded(
            Guid.CreateVersion7(time.GetUtcNow()), time.UtcNowForDatabase(), caller.UserId, caller.ApiKeyId, teamId, targetTable, targetId, action,
            http.TraceIdentifier, JsonSerializer.Serialize(diff, ApiJson.Options), RequestIdMiddleware.ClientRequestId(http))));

    /// <summary>Queues the rewrite of gateway cache entries this change makes stale (<see cref="ApiKeyCacheStale"/>).</summary>
    public Task CacheStaleAsync(ApiKeyCacheStale stale) => outbox.EnqueueAsync(transaction, stale, cancellationToken);

    public async Task CommitAsync()
    {
        await transaction.CommitAsync(cancellationToken);
        outbox.Flush();
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
