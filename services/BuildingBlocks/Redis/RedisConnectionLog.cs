using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>One log line when this process loses its Redis connection and one when it has it back, so an outage's length shows in the logs.</summary>
internal sealed class RedisConnectionLog(IConnectionMultiplexer redis, ILogger<RedisConnectionLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += OnFailed;
        redis.ConnectionRestored += OnRestored;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= OnFailed;
        redis.ConnectionRestored -= OnRestored;
        return Task.CompletedTask;
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e) =>
        logger.LogWarning(e.Exception, "Redis {ConnectionType} connection to {EndPoint} failed: {FailureType}", e.ConnectionType, e.EndPoint, e.FailureType);

    private void OnRestored(object? sender, ConnectionFailedEventArgs e) =>
        logger.LogInformation("Redis {ConnectionType} connection to {EndPoint} restored", e.ConnectionType, e.EndPoint);
}
