using System.Globalization;
using Npgsql;
using StackExchange.Redis;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Keys.Data;
using TrustedOss.Redis;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// Moves the gateways' notes of key use (a Redis hash) into <c>last_used_at</c>/<c>last_used_ip</c>
/// every few seconds, so the list shows a use within a minute without a database write per request,
/// and renews the used keys' entries in the shared cache.
/// Any replica may run it: updates only ever move the time forward.
/// </summary>
internal sealed class ApiKeyUsageRecorder(IConnectionMultiplexer redis, ApiKeyStore keys, TimeProvider time, ILogger<ApiKeyUsageRecorder> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception ex) when (RedisOutage.Is(ex) || ex is NpgsqlException)
            {
                logger.LogWarning(ex, "Recording API key use failed; the notes stay in Redis for the next round");
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A defect (Redis refusing the script) is logged and tried again, not left to stop the service.
                logger.LogError(ex, "Recording API key use was refused; the notes stay in Redis for the next round");
            }
        }
    }

    /// <summary>Each round writes at most this many keys' uses in one statement and one Redis script.</summary>
    private const int BatchSize = 500;

    // Drops each note (name, value pairs in ARGV) only if no newer use replaced it meanwhile.
    private const string DropUnchanged = """
        local dropped = 0
        for i = 1, #ARGV, 2 do
          if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then dropped = dropped + redis.call('HDEL', KEYS[1], ARGV[i]) end
        end
        return dropped
        """;

    /// <summary>
    /// Renews an entry that is as new as the key; drops one that is older. An older entry means a
    /// change's rewrite was missed (Redis failed right after the commit, and the queued rewrite has
    /// not come through the bus): renewing it on every use would keep a revoked key working for as
    /// long as that lasts. Dropped, the next check looks the key up afresh.
    /// </summary>
    private const string RenewIfCurrent = """
        local current = redis.call('GET', KEYS[1])
        if not current then return 0 end
        local ok, entry = pcall(cjson.decode, current)
        if ok and entry['Version'] and tonumber(entry['Version']) >= tonumber(ARGV[1]) then
          if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
          return 1
        end
        redis.call('DEL', KEYS[1])
        return -1
        """;

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var notes = (await database.HashGetAllAsync(VerifiedApiKey.UsageHashKey)).Select(n => (Note: n, Use: Parse(n))).ToList();
        var malformed = notes.Where(n => n.Use is null).Select(n => n.Note.Name).ToArray();
        if (malformed.Length > 0)
        {
            await database.HashDeleteAsync(VerifiedApiKey.UsageHashKey, malformed);
        }

        foreach (var batch in notes.Where(n => n.Use is not null).Chunk(BatchSize))
        {
            var used = await keys.RecordUsesAsync([.. batch.Select(n => n.Use!)], cancellationToken);
            // A key in use stays in the shared cache, where a gateway finds it even for an address
            // that gets no more lookups (docs/api.md); each entry is renewed on its own (no script
            // across entries, which a Redis cluster may keep in different slots).
            var renewed = await Task.WhenAll(used.Select(key => database.ScriptEvaluateAsync(RenewIfCurrent,
                [VerifiedApiKey.CacheKey(key.Prefix)], [key.Version, (long)VerifiedApiKey.CacheLifetime.TotalMilliseconds])));
            if (renewed.Count(r => (int)r < 0) is > 0 and var stale)
            {
                logger.LogWarning("Dropped {Count} shared cache entries of used API keys older than the keys (a change's rewrite was missed)", stale);
            }

            await database.ScriptEvaluateAsync(DropUnchanged, [VerifiedApiKey.UsageHashKey], [.. batch.SelectMany(n => new[] { n.Note.Name, n.Note.Value })]);
        }
    }

    /// <summary>A note is <c>{unix ms}|{address}</c> under the key's id.</summary>
    private static KeyUse? Parse(HashEntry note)
    {
        var parts = note.Value.ToString().Split('|', 2);
        return Guid.TryParse(note.Name.ToString(), out var keyId)
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var unixMs)
                ? new KeyUse(keyId, DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime, parts.Length > 1 ? parts[1] : null)
                : null;
    }
}
