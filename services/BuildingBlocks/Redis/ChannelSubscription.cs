using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>
/// One Redis channel listened to for as long as a process runs. While Redis cannot take the
/// subscription (it is away as the process starts) subscribing is tried again every second rather
/// than failing the start; once subscribed, the client renews the subscription after every
/// reconnection by itself.
/// </summary>
public sealed class ChannelSubscription(
    IConnectionMultiplexer redis, RedisChannel channel, Action<RedisValue> onMessage, TimeProvider time, ILogger logger)
    : IAsyncDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource stopping = new();
    private int disposed;

    /// <summary>Ends once subscribed, or when stopped before that.</summary>
    public Task Subscribed { get; private set; } = Task.CompletedTask;

    public void Start() => Subscribed = SubscribeAsync(stopping.Token);

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        while (true)
        {
            try
            {
                await subscriber.SubscribeAsync(channel, OnMessage);
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Could not listen on Redis channel {Channel} yet; trying again in {Interval}", channel, RetryInterval);
                TakeBackHandler(subscriber);
            }

            await Task.Delay(RetryInterval, time, cancellationToken);
        }
    }

    private void OnMessage(RedisChannel _, RedisValue message) => onMessage(message);

    /// <summary>A subscription that failed may still hold the handler: taken back before the next try, so none is added twice.</summary>
    private void TakeBackHandler(ISubscriber subscriber)
    {
        try
        {
            subscriber.Unsubscribe(channel, OnMessage, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Not connected: the handler is taken back locally all the same, or was never added.
        }
    }

    /// <summary>Stops listening (and trying to).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        await Subscribed.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(channel, OnMessage);
        }
        catch (RedisException)
        {
            // Redis is away: nothing to tell it, and the handler is taken back locally.
        }

        stopping.Dispose();
    }
}
