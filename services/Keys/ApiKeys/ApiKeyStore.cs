using Dapper;
using Npgsql;
using TrustedOss.Keys.People;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Keys.ApiKeys;

internal sealed class ApiKeyStore(NpgsqlDataSource db)
{
    private const string Columns = """
        k.id, k.key_prefix AS KeyPrefix, k.name, k.scope, k.permission_breadth AS PermissionBreadth,
        k.team_id AS TeamId, k.project_id AS ProjectId, k.created_by_user_id AS CreatedByUserId,
        u.email AS CreatedByEmail, k.created_at AS CreatedAt, k.last_used_at AS LastUsedAt,
        k.last_used_ip AS LastUsedIp, k.revoked_at AS RevokedAt, k.expires_at AS ExpiresAt
        """;

    /// <summary>
    /// CONTRACT §2 visibility: super admins see every key; others see the keys they issued plus the
    /// team and project keys of their teams; an org key only its issuer (and super admins).
    /// </summary>
    private const string Visible = """
        (@all OR k.created_by_user_id = @userId OR (k.scope <> 'org' AND k.team_id = ANY(@teams)))
        """;

    public sealed record Filter(string? Scope, Guid? TeamId, Guid? ProjectId, bool IncludeRevoked);

    public async Task<ApiKey?> GetVisibleAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys k JOIN users u ON u.id = k.created_by_user_id WHERE k.id = @id AND {Visible}",
            new { id, all = user.IsSuperuser, userId = user.Id, teams = user.TeamIds }, cancellationToken: cancellationToken));
    }

    public async Task<ApiKey?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys k JOIN users u ON u.id = k.created_by_user_id WHERE k.id = @id",
            new { id }, cancellationToken: cancellationToken));
    }

    public async Task<PagedList<ApiKey>> ListAsync(CurrentUser user, Filter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var where = $"""
            WHERE {Visible}
              AND (@scope::text IS NULL OR k.scope = @scope)
              AND (@teamId::uuid IS NULL OR k.team_id = @teamId)
              AND (@projectId::uuid IS NULL OR k.project_id = @projectId)
              AND (@includeRevoked OR k.revoked_at IS NULL)
            """;
        var parameters = new
        {
            all = user.IsSuperuser, userId = user.Id, teams = user.TeamIds,
            scope = filter.Scope, teamId = filter.TeamId, projectId = filter.ProjectId, includeRevoked = filter.IncludeRevoked,
            limit = page.PageSize, offset = page.Offset,
        };
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM api_keys k {where}", parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<ApiKey>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys k JOIN users u ON u.id = k.created_by_user_id {where} ORDER BY k.created_at DESC, k.id DESC LIMIT @limit OFFSET @offset",
            parameters, cancellationToken: cancellationToken));
        return new PagedList<ApiKey>([.. items], total, page.Page, page.PageSize);
    }
}
