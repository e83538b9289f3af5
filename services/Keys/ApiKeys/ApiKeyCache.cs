using StackExchange.Redis;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Data;
using TrustedOss.Keys.Data;
using TrustedOss.Redis;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// Keeps the gateways' Redis entries for API keys true. A gateway that misses asks
/// <see cref="LookupAsync"/>; every change (revoke, narrow, the issuer deactivated, demoted or
/// removed from the team) bumps the key's version and queues an <see cref="ApiKeyCacheStale"/> in
/// the same transaction, then rewrites the entry and tells the gateways to drop their in-process
/// copies. Redis only takes an entry newer than the one it holds, so a lookup or change racing
/// another change can never put an older state back.
/// </summary>
internal sealed class ApiKeyCache(
    ApiKeyStore keys, IConnectionMultiplexer redis, RedisDeadline redisDeadline, TimeProvider time, ILogger<ApiKeyCache> logger)
{
    // Replace the entry only with a newer version (entries are JSON with a "Version" field). The
    // same version may live longer (a key that expired since its entry was written), never shorter.
    private const string WriteIfNewerScript = """
        local current = redis.call('GET', KEYS[1])
        if current then
            local ok, entry = pcall(cjson.decode, current)
            local held = ok and entry['Version'] and tonumber(entry['Version'])
            if held and held > tonumber(ARGV[2]) then return 0 end
            if held == tonumber(ARGV[2]) then
                if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
                return 0
            end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        return 1
        """;

    public async Task<VerifiedApiKey?> LookupAsync(string prefix, CancellationToken cancellationToken)
    {
        var entry = await keys.EntryAsync(prefix, cancellationToken);
        if (entry is null)
        {
            return null;
        }

        try
        {
            await WriteIfNewerAsync(entry);
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            // The entry is right without the shared copy; the next gateway miss writes it again.
            logger.LogWarning("API key {Prefix} could not be cached in Redis ({Reason})", prefix, ex.Message);
        }

        return entry;
    }

    /// <summary>
    /// Right after the change commits, for a revocation within a second. A Redis or database outage
    /// here does not fail the request (the change is committed, and a new key's only showing must
    /// not be lost to a 503): the queued <see cref="ApiKeyCacheStale"/> rewrites the entries once
    /// both answer.
    /// </summary>
    public async Task RefreshAfterCommitAsync(ApiKeyCacheStale stale, CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(stale, cancellationToken);
        }
        catch (Exception ex) when (RedisOutage.Is(ex) || DatabaseOutage.Is(ex))
        {
            logger.LogWarning("Cache entries of {Prefix}{Issuer} not rewritten yet ({Reason}); the queued refresh will",
                stale.Prefix, stale.IssuerUserId, ex.Message);
        }
    }

    public async Task RefreshAsync(ApiKeyCacheStale stale, CancellationToken cancellationToken)
    {
        if (stale.Prefix is { } prefix)
        {
            await RefreshAsync(prefix, cancellationToken);
        }

        if (stale.IssuerUserId is { } issuer)
        {
            await RefreshIssuerAsync(issuer, cancellationToken);
        }
    }

    public async Task RefreshAsync(string prefix, CancellationToken cancellationToken)
    {
        var entry = await keys.EntryAsync(prefix, cancellationToken);
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

    private async Task RefreshIssuerAsync(Guid userId, CancellationToken cancellationToken)
    {
        foreach (var prefix in await keys.PrefixesIssuedByAsync(userId, cancellationToken))
        {
            await RefreshAsync(prefix, cancellationToken);
        }
    }

    private Task<RedisResult> WriteIfNewerAsync(VerifiedApiKey entry) =>
        redisDeadline.WithinAsync(redis.GetDatabase().ScriptEvaluateAsync(
            WriteIfNewerScript,
            [VerifiedApiKey.CacheKey(entry.Prefix)],
            [entry.ToJson(), entry.Version, (long)entry.LifetimeInCache(time.GetUtcNow()).TotalMilliseconds]));
}
