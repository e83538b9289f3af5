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
            await Task.WhenAll(used.Select(prefix => database.KeyExpireAsync(VerifiedApiKey.CacheKey(prefix), VerifiedApiKey.CacheLifetime)));
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
