using System.Globalization;
using Npgsql;
using StackExchange.Redis;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Keys.Data;
using TrustedOss.Redis;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// Moves the gateways' notes of key use (a Redis hash) into <c>last_used_at</c>/<c>last_used_ip</c>
/// every few seconds, so the list shows a use within a minute without a database write per request.
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

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var notes = await database.HashGetAllAsync(VerifiedApiKey.UsageHashKey);
        if (notes.Length == 0)
        {
            return;
        }

        foreach (var note in notes)
        {
            var parts = note.Value.ToString().Split('|', 2);
            if (!Guid.TryParse(note.Name.ToString(), out var keyId)
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var unixMs))
            {
                await database.HashDeleteAsync(VerifiedApiKey.UsageHashKey, note.Name);
                continue;
            }

            await keys.RecordUseAsync(
                keyId, DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime, parts.Length > 1 ? parts[1] : null, cancellationToken);
            // Only drop the note if no newer use replaced it meanwhile.
            await database.ScriptEvaluateAsync(
                "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
                [VerifiedApiKey.UsageHashKey], [note.Name, note.Value]);
        }
    }
}
