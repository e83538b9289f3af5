using System.Text.Json;
using Dapper;
using Npgsql;
using TrustedOss.Data;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Data;

/// <summary>Opens the transactions every change runs in, each carrying who made it (CONTRACT §5).</summary>
internal sealed class AuditedChanges(NpgsqlDataSource db, TimeProvider time)
{
    public async Task<AuditedTransaction> BeginAsync(CallerIdentity caller, HttpContext http)
    {
        var connection = await db.OpenConnectionAsync(http.RequestAborted);
        try
        {
            var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
            return new AuditedTransaction(connection, transaction, caller, http.TraceIdentifier, time, http.RequestAborted);
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
    NpgsqlConnection connection, NpgsqlTransaction transaction, CallerIdentity caller, string requestId, TimeProvider time,
    CancellationToken cancellationToken) : IAsyncDisposable
{
    /// <summary>What secrets are written as in a diff.</summary>
    public const string Redacted = "***";

    public NpgsqlConnection Connection => connection;

    /// <summary>A command in this transaction.</summary>
    public CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>Appends one audit row; pass secrets as <see cref="Redacted"/>.</summary>
    public Task RecordAsync(string targetTable, Guid targetId, string action, Guid? teamId, object diff) =>
        Connection.ExecuteAsync(Command(
            """
            INSERT INTO audit_log (id, created_at, actor_user_id, actor_api_key_id, team_id, target_table, target_id, action, request_id, diff)
            VALUES (@id, @createdAt, @actorUserId, @actorApiKeyId, @teamId, @targetTable, @targetId, @action, @requestId, @diff::jsonb)
            """,
            new
            {
                id = Guid.CreateVersion7(time.GetUtcNow()),
                createdAt = time.UtcNowForDatabase(),
                actorUserId = caller.UserId,
                actorApiKeyId = caller.ApiKeyId,
                teamId,
                targetTable,
                targetId,
                action,
                requestId,
                diff = JsonSerializer.Serialize(diff, ApiJson.Options),
            }));

    public Task CommitAsync() => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
