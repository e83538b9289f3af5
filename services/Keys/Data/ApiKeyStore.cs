using Dapper;
using Npgsql;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Data;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Directory;

namespace TrustedOss.Keys.Data;

/// <summary>Every query about API keys: as listed to people, as cached for the gateways, and their use.</summary>
internal sealed class ApiKeyStore(NpgsqlDataSource db, KeyRowCache rows)
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

    private sealed record EntryRow(
        Guid Id, string KeyPrefix, byte[] SecretHash, string Scope, string PermissionBreadth, Guid? TeamId, Guid? ProjectId,
        Guid CreatedByUserId, DateTime? ExpiresAt, DateTime? RevokedAt, bool IssuerEntitled, long Version);

    public async Task<ApiKey?> GetVisibleAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys k JOIN users u ON u.id = k.created_by_user_id WHERE k.id = @id AND {Visible}",
            new { id, all = user.IsSuperuser, userId = user.Id, teams = user.TeamIds }, cancellationToken: cancellationToken));
    }

    /// <summary>The key as it shows itself: from this replica's <see cref="KeyRowCache"/> when it holds it, else from the database.</summary>
    public ValueTask<ApiKey?> ReadAsync(Guid id, CancellationToken cancellationToken) =>
        rows.ReadThroughAsync(id, this, static (store, id, ct) => store.GetAsync(id, ct), cancellationToken);

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

    /// <summary>What the gateways cache for a key: its hash, what it may do, and whether it is still good.</summary>
    /// <summary>
    /// The key as gateways verify it. A key counts as revoked while its issuer may not issue it any
    /// more: deactivated, or no longer holding the role its scope needs (org: super admin; team:
    /// team_admin of the team; project: developer or team_admin of the project's team). Like a
    /// deactivation, this lasts only as long as its cause: the role given back, the key works again.
    /// </summary>
    public async Task<VerifiedApiKey?> EntryAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EntryRow>(new CommandDefinition(
            """
            SELECT k.id, k.key_prefix AS KeyPrefix, k.secret_hash AS SecretHash, k.scope, k.permission_breadth AS PermissionBreadth,
                   k.team_id AS TeamId, k.project_id AS ProjectId, k.created_by_user_id AS CreatedByUserId,
                   k.expires_at AS ExpiresAt, k.revoked_at AS RevokedAt,
                   u.is_active AND (u.is_superuser OR EXISTS (
                       SELECT 1 FROM memberships m
                       WHERE m.user_id = u.id AND m.team_id = k.team_id
                         AND (m.role = 'team_admin' OR (k.scope = 'project' AND m.role = 'developer'))
                   )) AS IssuerEntitled,
                   k.version
            FROM api_keys k JOIN users u ON u.id = k.created_by_user_id
            WHERE k.key_prefix = @prefix
            """,
            new { prefix }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new VerifiedApiKey(row.Id, row.KeyPrefix, row.SecretHash, row.Scope, row.PermissionBreadth, row.TeamId, row.ProjectId,
                row.CreatedByUserId, row.ExpiresAt, Revoked: row.RevokedAt is not null || !row.IssuerEntitled, row.Version)
            {
                KeyRevoked = row.RevokedAt is not null,
            };
    }

    /// <summary>The prefixes of the user's keys not revoked: a revoked key's entry never changes again.</summary>
    public async Task<IReadOnlyList<string>> PrefixesIssuedByAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT key_prefix FROM api_keys WHERE created_by_user_id = @userId AND revoked_at IS NULL", new { userId },
            cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Holds the user's issuing lock until the transaction ends: taken by every key issue and every
    /// change of the user's rights, so neither sees the other half done.
    /// </summary>
    public static Task LockIssuerAsync(AuditedTransaction change, Guid userId) =>
        change.Connection.ExecuteAsync(change.Command("SELECT pg_advisory_xact_lock(hashtextextended(@userId::text, 0))", new { userId }));

    /// <summary>
    /// How many of the user's keys are live (neither revoked nor expired). Call under
    /// <see cref="LockIssuerAsync"/>, so two concurrent issues cannot both pass a limit by one.
    /// </summary>
    public static Task<int> LiveKeysIssuedByAsync(AuditedTransaction change, Guid userId, DateTime now) =>
        change.Connection.ExecuteScalarAsync<int>(change.Command(
            """
            SELECT count(*) FROM api_keys
            WHERE created_by_user_id = @userId AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)
            """,
            new { userId, now }));

    /// <summary>Stores the new key; false, and nothing stored, when a key ever issued had its prefix.</summary>
    public static async Task<bool> TryCreateAsync(AuditedTransaction change, CreatedApiKey key, byte[] secretHash) =>
        await change.Connection.ExecuteAsync(change.Command(
            """
            INSERT INTO api_keys (id, key_prefix, secret_hash, name, scope, permission_breadth, team_id, project_id,
                                  created_by_user_id, created_at, expires_at)
            VALUES (@Id, @KeyPrefix, @secretHash, @Name, @Scope, @PermissionBreadth, @TeamId, @ProjectId,
                    @CreatedByUserId, @CreatedAt, @ExpiresAt)
            ON CONFLICT (key_prefix) DO NOTHING
            """,
            new
            {
                key.Id, key.KeyPrefix, secretHash, key.Name, key.Scope, key.PermissionBreadth,
                key.TeamId, key.ProjectId, key.CreatedByUserId, key.CreatedAt, key.ExpiresAt,
            })) == 1;

    /// <summary>Revokes the key; false when it already was (revoking twice changes nothing).</summary>
    public static async Task<bool> TryRevokeAsync(AuditedTransaction change, Guid keyId, DateTime revokedAt) =>
        await change.Connection.ExecuteAsync(change.Command(
            "UPDATE api_keys SET revoked_at = @revokedAt, version = version + 1 WHERE id = @keyId AND revoked_at IS NULL",
            new { keyId, revokedAt })) == 1;

    /// <summary>Narrows the key to read_only; false when it already was.</summary>
    public static async Task<bool> TryNarrowAsync(AuditedTransaction change, Guid keyId) =>
        await change.Connection.ExecuteAsync(change.Command(
            "UPDATE api_keys SET permission_breadth = 'read_only', version = version + 1 WHERE id = @keyId AND permission_breadth <> 'read_only'",
            new { keyId })) == 1;

    /// <summary>
    /// Moves many keys' last_used_at forward in one statement (never back: notes may arrive out of
    /// order); the keys used, with the version their cache entries should have.
    /// </summary>
    public async Task<IReadOnlyList<UsedKey>> RecordUsesAsync(IReadOnlyCollection<KeyUse> uses, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var ids = uses.Select(u => u.KeyId).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys k SET last_used_at = u.used_at, last_used_ip = u.ip
            FROM unnest(@ids, @usedAt, @ips) AS u(id, used_at, ip)
            WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.used_at)
            """,
            new { ids, usedAt = uses.Select(u => u.UsedAt).ToArray(), ips = uses.Select(u => u.Ip).ToArray() },
            cancellationToken: cancellationToken));
        return [.. await connection.QueryAsync<UsedKey>(new CommandDefinition(
            "SELECT key_prefix AS Prefix, version FROM api_keys WHERE id = ANY(@ids)", new { ids }, cancellationToken: cancellationToken))];
    }
}

/// <summary>A used key's prefix and its current version (what its cache entry should say).</summary>
internal sealed record UsedKey(string Prefix, long Version);

/// <summary>A key's latest use as a gateway noted it (UTC).</summary>
internal sealed record KeyUse(Guid KeyId, DateTime UsedAt, string? Ip);
