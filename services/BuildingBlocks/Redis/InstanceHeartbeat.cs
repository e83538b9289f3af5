using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>
/// Each replica keeps a short-lived Redis key <c>instances:{service}:{id}</c>, so operators (and
/// tests) can list the live replicas of every service; a replica that dies drops out within
/// <see cref="TimeToLive"/>.
/// </summary>
internal sealed class InstanceHeartbeat(IConnectionMultiplexer redis, IHostEnvironment environment, TimeProvider time, ILogger<InstanceHeartbeat> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    private readonly string key = $"instances:{environment.ApplicationName}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var value = JsonSerializer.Serialize(new
        {
            service = environment.ApplicationName,
            host = Environment.MachineName,
            pid = Environment.ProcessId,
            started_at = time.GetUtcNow(),
        });
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await redis.GetDatabase().StringSetAsync(key, value, TimeToLive);
            }
            catch (Exception ex) when (RedisOutage.Is(ex))
            {
                logger.LogWarning(ex, "Instance heartbeat to Redis failed; retrying in {Interval}", Interval);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A defect (Redis refusing the command) is logged and tried again, not left to stop the service.
                logger.LogError(ex, "Instance heartbeat to Redis was refused; retrying in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(key);
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            logger.LogDebug(ex, "Could not remove the instance key on shutdown; it expires by itself");
        }
    }
}
