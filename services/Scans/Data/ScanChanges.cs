using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.Scans.Data;

/// <summary>
/// Tells every replica's <see cref="ScanCache"/> that scans changed, through Redis: this replica
/// forgets them at once, the others when the announcement arrives (milliseconds). An announcement
/// Redis does not take is lost; the cache's bounded lifetime covers that, and a replica whose
/// connection drops forgets everything, since it may have missed some meanwhile.
/// </summary>
internal sealed class ScanChanges(IConnectionMultiplexer redis, RedisDeadline deadline, ScanCache cache, ILogger<ScanChanges> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("scans:changed");

    /// <summary>Long enough for a busy Redis.</summary>
    private static readonly TimeSpan AnnounceDeadline = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Forgets the scan here at once and announces it to the other replicas. The change is
    /// committed already, so nobody waits for the announcement: the task ends when Redis took it
    /// or it was given up (logged).
    /// </summary>
    public Task Announce(Guid scanId)
    {
        cache.Forget(scanId);
        return PublishAsync(scanId);
    }

    private async Task PublishAsync(Guid scanId)
    {
        try
        {
            await deadline.WithinAsync(redis.GetSubscriber().PublishAsync(Channel, scanId.ToString()), AnnounceDeadline);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not announce the change of scan {ScanId}; other replicas may show it as it was for up to their cache's lifetime", scanId);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += ForgetAll;
        redis.ConnectionRestored += ForgetAll;
        await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
        {
            if (Guid.TryParse(message.ToString(), out var scanId))
            {
                cache.Forget(scanId);
            }
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= ForgetAll;
        redis.ConnectionRestored -= ForgetAll;
        await redis.GetSubscriber().UnsubscribeAsync(Channel);
    }

    private void ForgetAll(object? sender, ConnectionFailedEventArgs e) => cache.ForgetAll();
}
