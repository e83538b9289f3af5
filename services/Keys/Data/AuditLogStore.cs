using Dapper;
using Npgsql;
using TrustedOss.Data;

namespace TrustedOss.Keys.Data;

/// <summary>An audit row as the API shows it (CONTRACT §5).</summary>
public sealed record AuditEntry(
    Guid Id, DateTime CreatedAt, Guid? ActorUserId, string? ActorEmail, Guid? ActorApiKeyId, Guid? TeamId, string TargetTable, Guid TargetId, string Action,
    string? RequestId, string? ClientRequestId, System.Text.Json.JsonElement Diff);

/// <summary>Reading the one audit log, newest first.</summary>
internal sealed class AuditLogStore(NpgsqlDataSource db)
{
    /// <summary>Which rows: each filter optional; <see cref="TeamIds"/> null means every team (and rows of no team).</summary>
    public sealed record Filter(string? TargetTable, string? Action, Guid? ActorUserId, DateTime? From, DateTime? To, Guid[]? TeamIds);

    private sealed record Row(
        Guid Id, DateTime CreatedAt, Guid? ActorUserId, string? ActorEmail, Guid? ActorApiKeyId, Guid? TeamId, string TargetTable, Guid TargetId, string Action,
        string? RequestId, string? ClientRequestId, string Diff);

    public async Task<PagedList<AuditEntry>> ListAsync(Filter filter, PageRequest page, CancellationToken cancellationToken)
    {
        const string Where = """
            WHERE (@targetTable::text IS NULL OR target_table = @targetTable)
              AND (@action::text IS NULL OR action = @action)
              AND (@actorUserId::uuid IS NULL OR actor_user_id = @actorUserId)
              AND (@from::timestamptz IS NULL OR created_at >= @from)
              AND (@to::timestamptz IS NULL OR created_at < @to)
              AND (@allTeams OR team_id = ANY(@teamIds))
            """;
        var parameters = new
        {
            targetTable = filter.TargetTable, action = filter.Action, actorUserId = filter.ActorUserId, from = filter.From, to = filter.To,
            allTeams = filter.TeamIds is null, teamIds = filter.TeamIds ?? [], limit = page.PageSize, offset = page.Offset,
        };
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM audit_log {Where}", parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT id, created_at AS CreatedAt, actor_user_id AS ActorUserId,
                   (SELECT email FROM users WHERE users.id = audit_log.actor_user_id) AS ActorEmail,
                   actor_api_key_id AS ActorApiKeyId, team_id AS TeamId,
                   target_table AS TargetTable, target_id AS TargetId, action, request_id AS RequestId,
                   client_request_id AS ClientRequestId, diff::text AS Diff
            FROM audit_log {Where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
            """,
            parameters, cancellationToken: cancellationToken));
        return new PagedList<AuditEntry>(
            [.. rows.Select(r => new AuditEntry(r.Id, r.CreatedAt, r.ActorUserId, r.ActorEmail, r.ActorApiKeyId, r.TeamId, r.TargetTable, r.TargetId, r.Action,
                r.RequestId, r.ClientRequestId, System.Text.Json.JsonDocument.Parse(r.Diff).RootElement.Clone()))],
            total, page.Page, page.PageSize);
    }
}
