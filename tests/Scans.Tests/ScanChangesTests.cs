using Microsoft.Extensions.Logging.Abstractions;
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
        first = await Replica.StartAsync(server);
        second = await Replica.StartAsync(server);
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        server.Dispose();
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

        first.Changes.Announce(changed.Scan.Id);

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
    public void Announcing_without_redis_still_forgets_here()
    {
        var running = ScanCacheTests.Entry(ScanStatus.Running);
        first.Cache.Remember(running, first.Cache.Version);
        server.Dispose();

        first.Changes.Announce(running.Scan.Id);

        Assert.Null(first.Cache.Find(running.Scan.Id));
    }

    private sealed class Replica : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer redis;

        private Replica(ConnectionMultiplexer redis)
        {
            this.redis = redis;
            Cache = new ScanCache(Options.Create(new ScanCacheOptions { ActiveLifetime = TimeSpan.FromMinutes(10) }), TimeProvider.System);
            Changes = new ScanChanges(redis, new RedisDeadline(Options.Create(new RedisDeadlineOptions()), TimeProvider.System), Cache,
                NullLogger<ScanChanges>.Instance);
        }

        public ScanCache Cache { get; }

        public ScanChanges Changes { get; }

        public static async Task<Replica> StartAsync(RedisServer server)
        {
            var options = ConfigurationOptions.Parse(server.ConnectionString);
            options.AbortOnConnectFail = false;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.KeepAlive = 1;
            var replica = new Replica(await ConnectionMultiplexer.ConnectAsync(options));
            await replica.Changes.StartAsync(CancellationToken.None);
            return replica;
        }

        public async ValueTask DisposeAsync()
        {
            await Changes.StopAsync(CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            Cache.Dispose();
            await redis.DisposeAsync();
        }
    }
}
