using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Redis;
using TrustedOss.Scans.Data;
using TrustedOss.TestSupport;

namespace TrustedOss.Scans.Tests;

/// <summary>Two replicas' caches of scans, told of changes through a real Redis.</summary>
public sealed class ScanChangesTests : IAsyncLifetime
{
    private RedisServer server = null!;
    private Replica first = null!;
    private Replica second = null!;

    public async Task InitializeAsync()
    {
        server = await RedisServer.StartAsync();
        try
        {
            first = await Replica.StartAsync(server);
            second = await Replica.StartAsync(server);
        }
        catch
        {
            // Not left running when the test cannot start.
            server.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            // Either may be missing when the start failed; the server is stopped all the same.
            await (first?.DisposeAsync() ?? ValueTask.CompletedTask);
            await (second?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task A_change_announced_by_one_replica_is_forgotten_by_both()
    {
        var changed = ScanCacheTests.Entry(ScanStatus.Running);
        var unchanged = ScanCacheTests.Entry(ScanStatus.Running);
        foreach (var replica in new[] { first, second })
        {
            replica.Cache.Remember(changed, replica.Cache.Version);
            replica.Cache.Remember(unchanged, replica.Cache.Version);
        }

        await first.Changes.Announce(changed.Scan.Id);

        Assert.Null(first.Cache.Find(changed.Scan.Id));
        await Eventually.ValueAsync(() => Task.FromResult(second.Cache.Find(changed.Scan.Id) is null ? "forgotten" : null),
            TimeSpan.FromSeconds(10), "the other replica to forget the changed scan");
        Assert.Same(unchanged, first.Cache.Find(unchanged.Scan.Id));
        Assert.Same(unchanged, second.Cache.Find(unchanged.Scan.Id));
    }

    [Fact]
    public async Task A_replica_that_loses_redis_forgets_everything_it_kept()
    {
        var ended = ScanCacheTests.Entry(ScanStatus.Succeeded);
        second.Cache.Remember(ended, second.Cache.Version);

        // Announcements sent while the connection is down never arrive.
        server.Dispose();

        await Eventually.ValueAsync(() => Task.FromResult(second.Cache.Find(ended.Scan.Id) is null ? "forgotten" : null),
            TimeSpan.FromSeconds(20), "the replica to forget what it kept when its connection failed");
    }

    [Fact]
    public async Task Announcing_without_redis_still_forgets_here_and_says_so_in_the_log()
    {
        var running = ScanCacheTests.Entry(ScanStatus.Running);
        first.Cache.Remember(running, first.Cache.Version);
        server.Dispose();

        await first.Changes.Announce(running.Scan.Id);

        Assert.Null(first.Cache.Find(running.Scan.Id));
        Assert.Contains(first.Log.Messages, m => m.Contains($"Could not announce the change of scan {running.Scan.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replica_forgets_again_what_it_kept_while_redis_was_away_when_redis_is_back()
    {
        server.Dispose();
        await Eventually.ValueAsync(() => Task.FromResult(second.Redis.IsConnected ? null : "disconnected"),
            TimeSpan.FromSeconds(20), "the replica to notice Redis is gone");
        // Read from the database while no announcement can arrive.
        var readMeanwhile = ScanCacheTests.Entry(ScanStatus.Running);
        second.Cache.Remember(readMeanwhile, second.Cache.Version);

        server = await RedisServer.StartAsync(server.Port);

        await Eventually.ValueAsync(() => Task.FromResult(second.Cache.Find(readMeanwhile.Scan.Id) is null ? "forgotten" : null),
            TimeSpan.FromSeconds(20), "the replica to forget what it read while Redis was away");
    }

    [Fact]
    public async Task A_stopped_replica_no_longer_listens_and_what_it_changes_it_still_forgets_itself()
    {
        await using var listening = await Replica.StartAsync(server);
        var changed = ScanCacheTests.Entry(ScanStatus.Running);
        second.Cache.Remember(changed, second.Cache.Version);
        listening.Cache.Remember(changed, listening.Cache.Version);
        await second.Changes.StopAsync(CancellationToken.None);

        await first.Changes.Announce(changed.Scan.Id);
        await Eventually.ValueAsync(() => Task.FromResult(listening.Cache.Find(changed.Scan.Id) is null ? "forgotten" : null),
            TimeSpan.FromSeconds(10), "the listening replica to forget the changed scan");

        // Its own change it forgets at once, announcement or not.
        var ownChange = ScanCacheTests.Entry(ScanStatus.Running);
        second.Cache.Remember(ownChange, second.Cache.Version);
        await second.Changes.Announce(ownChange.Scan.Id);
        Assert.Null(second.Cache.Find(ownChange.Scan.Id));

        // Redis going away and coming back: the listening replica forgets what it read meanwhile, the stopped one keeps its copy.
        server.Dispose();
        await Eventually.ValueAsync(() => Task.FromResult(listening.Redis.IsConnected || second.Redis.IsConnected ? null : "disconnected"),
            TimeSpan.FromSeconds(20), "both replicas to notice Redis is gone");
        var readMeanwhile = ScanCacheTests.Entry(ScanStatus.Running);
        listening.Cache.Remember(readMeanwhile, listening.Cache.Version);
        server = await RedisServer.StartAsync(server.Port);
        await Eventually.ValueAsync(() => Task.FromResult(listening.Cache.Find(readMeanwhile.Scan.Id) is null && second.Redis.IsConnected ? "forgotten" : null),
            TimeSpan.FromSeconds(20), "the listening replica to forget what it read while Redis was away");

        Assert.Same(changed, second.Cache.Find(changed.Scan.Id));
    }

    [Fact]
    public async Task A_replica_started_while_redis_is_away_starts_and_listens_once_redis_is_there()
    {
        server.Dispose();
        await using var late = await Replica.StartAsync(server, untilListening: false);
        Assert.False(late.Changes.Listening.IsCompleted);

        // Read from the database before this replica could hear of any change.
        var readBefore = ScanCacheTests.Entry(ScanStatus.Queued);
        late.Cache.Remember(readBefore, late.Cache.Version);

        server = await RedisServer.StartAsync(server.Port);
        await late.Changes.Listening.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(late.Cache.Find(readBefore.Scan.Id));
        await Eventually.ValueAsync(() => Task.FromResult(first.Redis.IsConnected ? "connected" : null),
            TimeSpan.FromSeconds(20), "the announcing replica to reconnect");
        var changed = ScanCacheTests.Entry(ScanStatus.Running);
        late.Cache.Remember(changed, late.Cache.Version);

        await first.Changes.Announce(changed.Scan.Id);

        await Eventually.ValueAsync(() => Task.FromResult(late.Cache.Find(changed.Scan.Id) is null ? "forgotten" : null),
            TimeSpan.FromSeconds(10), "the late replica to forget the changed scan");
        Assert.Contains(late.Log.Messages, m => m.StartsWith("Could not listen on Redis channel scans:changed yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replica_stopped_before_redis_came_back_stops_trying()
    {
        server.Dispose();
        await using var late = await Replica.StartAsync(server, untilListening: false);

        await late.Changes.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(late.Changes.Listening.IsCompleted);
    }

    private sealed class Replica : IAsyncDisposable
    {
        private Replica(ConnectionMultiplexer redis)
        {
            Redis = redis;
            Cache = new ScanCache(Options.Create(new ScanCacheOptions { ActiveLifetime = TimeSpan.FromMinutes(10) }), TimeProvider.System);
            Changes = new ScanChanges(redis, new RedisDeadline(Options.Create(new RedisDeadlineOptions()), TimeProvider.System), Cache,
                TimeProvider.System, Log);
        }

        public ConnectionMultiplexer Redis { get; }

        public ScanCache Cache { get; }

        public ScanChanges Changes { get; }

        public ListLogger<ScanChanges> Log { get; } = new();

        public static async Task<Replica> StartAsync(RedisServer server, bool untilListening = true)
        {
            // As the services connect: fail at once while Redis is away, reconnect within a second.
            var options = ConfigurationOptions.Parse(server.ConnectionString);
            RedisExtensions.ConfigureForOutages(options);
            var replica = new Replica(await ConnectionMultiplexer.ConnectAsync(options));
            await replica.Changes.StartAsync(CancellationToken.None);
            if (untilListening)
            {
                await replica.Changes.Listening.WaitAsync(TimeSpan.FromSeconds(20));
            }

            return replica;
        }

        public async ValueTask DisposeAsync()
        {
            await Changes.StopAsync(CancellationToken.None);
            Cache.Dispose();
            await Redis.DisposeAsync();
        }
    }
}
