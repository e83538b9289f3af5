using Dapper;
using Npgsql;
using StackExchange.Redis;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.ApiKeys;
using TrustedOss.ServiceDefaults.Redis;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// Keeps the gateways' Redis entries for API keys true. A gateway that misses asks
/// <see cref="LookupAsync"/>; every change (revoke, narrow, issuer deactivated) bumps the key's
/// version in the same transaction, rewrites the entry and tells the gateways to drop their
/// in-process copies. Redis only takes an entry newer than the one it holds, so a lookup or change
/// racing another change can never put an older state back.
/// </summary>
internal sealed class ApiKeyCache(
    NpgsqlDataSource db, IConnectionMultiplexer redis, RedisDeadline redisDeadline, ILogger<ApiKeyCache> logger)
{
    private sealed record Row(
        Guid Id, string KeyPrefix, byte[] SecretHash, string Scope, string PermissionBreadth, Guid? TeamId, Guid? ProjectId,
        Guid CreatedByUserId, DateTime? ExpiresAt, DateTime? RevokedAt, bool IssuerActive, long Version);

    // Replace the entry only with a newer version (entries are JSON with a "Version" field).
    private const string WriteIfNewerScript = """
        local current = redis.call('GET', KEYS[1])
        if current then
            local ok, entry = pcall(cjson.decode, current)
            if ok and entry['Version'] and tonumber(entry['Version']) >= tonumber(ARGV[2]) then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        return 1
        """;

    public async Task<VerifiedApiKey?> LookupAsync(string prefix, CancellationToken cancellationToken)
    {
        var entry = await LoadAsync(prefix, cancellationToken);
        if (entry is null)
        {
            return null;
        }

        try
        {
            await WriteIfNewerAsync(entry);
        }
        catch (Exception ex) when (DependencyOutage.Is(ex))
        {
            // The entry is right without the shared copy; the next gateway miss writes it again.
            logger.LogWarning("API key {Prefix} could not be cached in Redis ({Reason})", prefix, ex.Message);
        }

        return entry;
    }

    public async Task RefreshAsync(string prefix, CancellationToken cancellationToken)
    {
        var entry = await LoadAsync(prefix, cancellationToken);
        var database = redis.GetDatabase();
        if (entry is null)
        {
            await redisDeadline.WithinAsync(database.KeyDeleteAsync(VerifiedApiKey.CacheKey(prefix)));
        }
        else
        {
            await WriteIfNewerAsync(entry);
        }

        await redisDeadline.WithinAsync(redis.GetSubscriber().PublishAsync(RedisChannel.Literal(VerifiedApiKey.ChangedChannel), prefix));
    }

    public async Task RefreshIssuerAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var prefixes = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT key_prefix FROM api_keys WHERE created_by_user_id = @userId",
            new { userId }, cancellationToken: cancellationToken));
        foreach (var prefix in prefixes)
        {
            await RefreshAsync(prefix, cancellationToken);
        }
    }

    private Task<RedisResult> WriteIfNewerAsync(VerifiedApiKey entry) =>
        redisDeadline.WithinAsync(redis.GetDatabase().ScriptEvaluateAsync(
            WriteIfNewerScript,
            [VerifiedApiKey.CacheKey(entry.Prefix)],
            [entry.ToJson(), entry.Version, (long)VerifiedApiKey.CacheLifetime.TotalMilliseconds]));

    private async Task<VerifiedApiKey?> LoadAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT k.id, k.key_prefix AS KeyPrefix, k.secret_hash AS SecretHash, k.scope, k.permission_breadth AS PermissionBreadth,
                   k.team_id AS TeamId, k.project_id AS ProjectId, k.created_by_user_id AS CreatedByUserId,
                   k.expires_at AS ExpiresAt, k.revoked_at AS RevokedAt, u.is_active AS IssuerActive, k.version
            FROM api_keys k JOIN users u ON u.id = k.created_by_user_id
            WHERE k.key_prefix = @prefix
            """,
            new { prefix }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new VerifiedApiKey(row.Id, row.KeyPrefix, row.SecretHash, row.Scope, row.PermissionBreadth, row.TeamId, row.ProjectId,
                row.CreatedByUserId, row.ExpiresAt, Revoked: row.RevokedAt is not null || !row.IssuerActive, row.Version);
    }
}
