using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>
/// Tells every replica's <see cref="AnnouncedCache{TValue}"/> that rows changed, through a Redis
/// channel: this replica forgets them at once, the others when the announcement arrives
/// (milliseconds). An announcement Redis does not take is lost; the copies' bounded lifetime covers
/// that. A replica keeps nothing that can change until it hears announcements, and whenever its
/// connection drops it forgets everything and stops keeping until it hears its own probe on the
/// channel again: the client renews the subscription after reconnecting, and only a probe that
/// came back shows it has.
/// </summary>
public abstract class AnnouncedChanges(
    IConnectionMultiplexer redis, RedisDeadline deadline, IAnnouncedCache cache, string channel, string subject, TimeProvider time, ILogger logger)
    : IHostedService, IAsyncDisposable
{
    private readonly RedisChannel announcements = RedisChannel.Literal(channel);

    /// <summary>Long enough for a busy Redis.</summary>
    private static readonly TimeSpan AnnounceDeadline = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource stopping = new();
    private ChannelSubscription? subscription;
    private string? awaitedProbe;

    /// <summary>Ends once this replica hears announcements (for tests; the service does not wait for it).</summary>
    public Task Listening { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Forgets the row here at once and announces it to the other replicas. The change is
    /// committed already, so the task never fails: it ends when Redis took the announcement or it
    /// was given up (logged).
    /// </summary>
    public Task Announce(Guid id)
    {
        cache.Forget(id);
        return PublishAsync(id);
    }

    private async Task PublishAsync(Guid id)
    {
        try
        {
            await deadline.WithinAsync(redis.GetSubscriber().PublishAsync(announcements, id.ToString()), AnnounceDeadline);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not announce the change of {Subject} {Id}; other replicas may show it as it was for up to their copy's lifetime",
                subject, id);
        }
    }

    /// <summary>
    /// Listens from now on, without waiting for Redis: a replica starting while Redis is away
    /// still starts, and keeps only what cannot change until it hears announcements.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        subscription = new ChannelSubscription(redis, announcements, OnAnnounced, time, logger);
        subscription.Start();
        Listening = subscription.Subscribed.ContinueWith(_ => StartHearing(), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= OnConnectionFailed;
        redis.ConnectionRestored -= OnConnectionRestored;
        cache.Hearing = false;
        await stopping.CancelAsync();
        if (subscription is { } listening)
        {
            await listening.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (subscription is { } listening)
        {
            await listening.DisposeAsync();
        }

        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private void OnAnnounced(RedisValue message)
    {
        var text = message.ToString();
        if (Guid.TryParse(text, out var id))
        {
            cache.Forget(id);
        }
        else if (text == Volatile.Read(ref awaitedProbe))
        {
            StartHearing();
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        cache.Hearing = false;
        cache.ForgetAll();
    }

    /// <summary>Nothing that can change was kept since the connection failed, so there is nothing to forget yet.</summary>
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (subscription?.Subscribed.IsCompletedSuccessfully == true)
        {
            _ = ProbeUntilHeardAsync(stopping.Token);
        }
    }

    /// <summary>Publishes a probe on the channel every second until this replica hears one (or stops).</summary>
    private async Task ProbeUntilHeardAsync(CancellationToken cancellationToken)
    {
        var probe = $"probe:{Guid.NewGuid()}";
        Volatile.Write(ref awaitedProbe, probe);
        while (!cache.Hearing && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await deadline.WithinAsync(redis.GetSubscriber().PublishAsync(announcements, probe), AnnounceDeadline);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is away or slow: tried again below.
            }

            try
            {
                await Task.Delay(ProbeInterval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Keeping starts. Everything is forgotten first: that drops reads begun before this replica could
    /// hear (their version is older), which may predate a change whose announcement it missed.
    /// </summary>
    private void StartHearing()
    {
        cache.ForgetAll();
        cache.Hearing = true;
    }
}
