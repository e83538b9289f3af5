using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.Scans.Data;

/// <summary>
/// Tells every replica's <see cref="ScanCache"/> that scans changed, through Redis: this replica
/// forgets them at once, the others when the announcement arrives (milliseconds). An announcement
/// Redis does not take is lost; the cache's bounded lifetime covers that, and a replica whose
/// connection drops forgets everything, since it may have missed some meanwhile.
/// </summary>
internal sealed class ScanChanges(IConnectionMultiplexer redis, RedisDeadline deadline, ScanCache cache, TimeProvider time, ILogger<ScanChanges> logger)
    : IHostedService, IAsyncDisposable
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

    private ChannelSubscription? subscription;

    /// <summary>Ends once this replica hears announcements (for tests; the service does not wait for it).</summary>
    public Task Listening { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Listens from now on, without waiting for Redis: a replica starting while Redis is away
    /// still starts. What it keeps before it hears announcements is forgotten once it does.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += ForgetAll;
        redis.ConnectionRestored += ForgetAll;
        subscription = new ChannelSubscription(redis, Channel, OnAnnounced, time, logger);
        subscription.Start();
        Listening = subscription.Subscribed.ContinueWith(_ => cache.ForgetAll(), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => subscription?.DisposeAsync() ?? ValueTask.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= ForgetAll;
        redis.ConnectionRestored -= ForgetAll;
        if (subscription is { } listening)
        {
            await listening.DisposeAsync();
        }
    }

    private void OnAnnounced(RedisValue message)
    {
        if (Guid.TryParse(message.ToString(), out var scanId))
        {
            cache.Forget(scanId);
        }
    }

    private void ForgetAll(object? sender, ConnectionFailedEventArgs e) => cache.ForgetAll();
}
