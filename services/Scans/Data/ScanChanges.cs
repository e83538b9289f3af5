using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.Scans.Data;

/// <summary>
/// Tells every replica's <see cref="ScanCache"/> that scans changed, through Redis: this replica
/// forgets them at once, the others when the announcement arrives (milliseconds). An announcement
/// Redis does not take is lost; the cache's bounded lifetime covers that, and a replica whose
/// connection drops forgets everything, since it may have missed some meanwhile.
/// </summary>
internal sealed class ScanChanges(IConnectionMultiplexer redis, RedisDeadline deadline, ScanCache cache, ILogger<ScanChanges> logger)
    : IHostedService, IDisposable
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("scans:changed");

    /// <summary>Long enough for a busy Redis.</summary>
    private static readonly TimeSpan AnnounceDeadline = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource stopping = new();

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

    /// <summary>Ends once this replica hears announcements (for tests; the service does not wait for it).</summary>
    public Task Listening { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += ForgetAll;
        redis.ConnectionRestored += ForgetAll;
        Listening = ListenAsync(stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Subscribes, and while Redis cannot take the subscription (it is away as the replica starts)
    /// tries again every second rather than failing the start. Once subscribed, the client renews
    /// the subscription after every reconnection by itself. What was kept before is forgotten then:
    /// announcements may have passed this replica by.
    /// </summary>
    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        while (true)
        {
            try
            {
                await subscriber.SubscribeAsync(Channel, OnAnnounced);
                cache.ForgetAll();
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Could not listen for changes of scans yet; trying again in a second");
                TryForgetHandler(subscriber);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= ForgetAll;
        redis.ConnectionRestored -= ForgetAll;
        await stopping.CancelAsync();
        await Listening.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        await redis.GetSubscriber().UnsubscribeAsync(Channel, OnAnnounced);
    }

    private void OnAnnounced(RedisChannel channel, RedisValue message)
    {
        if (Guid.TryParse(message.ToString(), out var scanId))
        {
            cache.Forget(scanId);
        }
    }

    /// <summary>A subscription that failed may still hold the handler: it is taken back before the next try, so none is added twice.</summary>
    private void TryForgetHandler(ISubscriber subscriber)
    {
        try
        {
            subscriber.Unsubscribe(Channel, OnAnnounced, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Not connected: the handler is already taken back locally, or was never added.
        }
    }

    private void ForgetAll(object? sender, ConnectionFailedEventArgs e) => cache.ForgetAll();

    public void Dispose() => stopping.Dispose();
}
