using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using TrustedOss.Redis;
using TrustedOss.TestSupport;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>A channel listened to for a process's life, against a real Redis that comes and goes.</summary>
public sealed class ChannelSubscriptionTests : IAsyncLifetime
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("tests:changed");

    private readonly ConcurrentQueue<string> received = new();
    private readonly FakeLogger log = new();
    private RedisServer server = null!;
    private ConnectionMultiplexer listener = null!;
    private ConnectionMultiplexer publisher = null!;

    public async Task InitializeAsync()
    {
        server = await RedisServer.StartAsync();
        try
        {
            listener = await ConnectAsync(server);
            publisher = await ConnectAsync(server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            await (listener?.DisposeAsync() ?? ValueTask.CompletedTask);
            await (publisher?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task A_message_on_the_channel_reaches_the_handler()
    {
        await using var subscription = Subscribe();
        await subscription.Subscribed.WaitAsync(TimeSpan.FromSeconds(20));

        await publisher.GetSubscriber().PublishAsync(Channel, "one");

        await ReceivedAsync("one");
    }

    [Fact]
    public async Task Started_while_redis_is_away_it_subscribes_once_redis_is_there_with_one_handler()
    {
        server.Dispose();
        await using var subscription = Subscribe();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(subscription.Subscribed.IsCompleted);

        server = await RedisServer.StartAsync(server.Port);
        await subscription.Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.ValueAsync(() => Task.FromResult(publisher.IsConnected ? "connected" : null), TimeSpan.FromSeconds(20), "the publisher to reconnect");
        await publisher.GetSubscriber().PublishAsync(Channel, "first");
        await publisher.GetSubscriber().PublishAsync(Channel, "last");

        // Messages arrive in order: once the last is here, the first has come as often as it will.
        await ReceivedAsync("last");
        Assert.Equal(1, received.Count(m => m == "first"));
        Assert.Contains(log.Collector.GetSnapshot(), r => r.Message.StartsWith("Could not listen on Redis channel tests:changed yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopped_before_redis_came_back_it_stops_trying_and_stopping_twice_is_harmless()
    {
        server.Dispose();
        var subscription = Subscribe();

        await subscription.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await subscription.DisposeAsync();

        Assert.True(subscription.Subscribed.IsCompleted);
    }

    [Fact]
    public async Task A_stopped_subscription_hears_nothing_more()
    {
        var stopped = Subscribe();
        await stopped.Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        await stopped.DisposeAsync();
        var control = new ConcurrentQueue<string>();
        await using var listening = new ChannelSubscription(listener, Channel, m => control.Enqueue(m.ToString()), TimeProvider.System, NullLogger.Instance);
        listening.Start();
        await listening.Subscribed.WaitAsync(TimeSpan.FromSeconds(20));

        await publisher.GetSubscriber().PublishAsync(Channel, "after");

        await Eventually.ValueAsync(() => Task.FromResult(control.Contains("after") ? "heard" : null), TimeSpan.FromSeconds(10), "the listening subscription to hear it");
        Assert.Empty(received);
    }

    private ChannelSubscription Subscribe()
    {
        var subscription = new ChannelSubscription(listener, Channel, m => received.Enqueue(m.ToString()), TimeProvider.System, log);
        subscription.Start();
        return subscription;
    }

    private Task<string> ReceivedAsync(string message) =>
        Eventually.ValueAsync(() => Task.FromResult(received.Contains(message) ? message : null), TimeSpan.FromSeconds(10), $"\"{message}\" to arrive");

    /// <summary>As the services connect: fail at once while Redis is away, reconnect within a second.</summary>
    private static Task<ConnectionMultiplexer> ConnectAsync(RedisServer server)
    {
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        RedisExtensions.ConfigureForOutages(options);
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
