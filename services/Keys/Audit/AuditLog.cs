using System.Text.Json;
using Dapper;
using Npgsql;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Keys.Audit;

/// <summary>
/// Appends one row per change (CONTRACT §5), in the same transaction as the change itself, so the
/// log never misses a change nor records one that was rolled back. Callers pass secrets as "***".
/// </summary>
internal sealed class AuditLog(TimeProvider time)
{
    public const string Redacted = "***";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public Task WriteAsync(
        NpgsqlTransaction transaction, HttpContext http, string targetTable, Guid targetId, string action, Guid? teamId, object diff) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (id, created_at, actor_user_id, actor_api_key_id, team_id, target_table, target_id, action, request_id, diff)
            VALUES (@id, @createdAt, @actorUserId, @actorApiKeyId, @teamId, @targetTable, @targetId, @action, @requestId, @diff::jsonb)
            """,
            new
            {
                id = Guid.CreateVersion7(time.GetUtcNow()),
                createdAt = time.UtcNowForDatabase(),
                actorUserId = http.Caller()?.UserId,
                actorApiKeyId = http.Caller()?.ApiKeyId,
                teamId,
                targetTable,
                targetId,
                action,
                requestId = http.TraceIdentifier,
                diff = JsonSerializer.Serialize(diff, Json),
            },
            transaction,
            cancellationToken: http.RequestAborted));
}
