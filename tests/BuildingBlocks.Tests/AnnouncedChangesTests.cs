using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Redis;
using TrustedOss.TestSupport;
using Row = TrustedOss.BuildingBlocks.Tests.AnnouncedCacheTests.Row;
using RowCache = TrustedOss.BuildingBlocks.Tests.AnnouncedCacheTests.RowCache;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>Replicas' copies, told of changes through a real Redis that comes and goes.</summary>
public sealed class AnnouncedChangesTests : IAsyncLifetime
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
        var changed = LongLived();
        var unchanged = LongLived();
        foreach (var replica in new[] { first, second })
        {
            Assert.True(replica.Keep(changed));
            Assert.True(replica.Keep(unchanged));
        }

        await first.Changes.Announce(changed.Id);

        Assert.False(first.Holds(changed));
        await second.ForgetsAsync(changed, "the other replica to forget the changed row");
        Assert.True(first.Holds(unchanged));
        Assert.True(second.Holds(unchanged));
    }

    [Fact]
    public async Task A_replica_that_loses_redis_forgets_everything_and_keeps_only_what_cannot_change_until_it_is_back()
    {
        // Only the second replica listens here, so only its own probe can tell it it hears again.
        await first.Changes.StopAsync(CancellationToken.None);
        var kept = LongLived();
        Assert.True(second.Keep(kept));

        // Announcements sent while the connection is down never arrive.
        server.Dispose();
        await second.ForgetsAsync(kept, "the replica to forget what it kept when its connection failed");

        Assert.False(second.Keep(LongLived()));
        var final = LongLived(final: true);
        Assert.True(second.Keep(final));
        var readBeforeRedisCameBack = LongLived();
        var versionBeforeRead = second.Cache.Version;

        server = await RedisServer.StartAsync(server.Port);
        await Eventually.ValueAsync(() => Task.FromResult(second.Keep(LongLived()) ? "keeping" : null),
            TimeSpan.FromSeconds(20), "the replica to keep copies again once Redis is back");
        second.Cache.Remember(readBeforeRedisCameBack, versionBeforeRead);
        Assert.False(second.Holds(readBeforeRedisCameBack));
        var changed = LongLived();
        Assert.True(second.Keep(changed));
        await Eventually.ValueAsync(() => Task.FromResult(first.Redis.IsConnected ? "connected" : null),
            TimeSpan.FromSeconds(20), "the announcing replica to reconnect");
        await first.Changes.Announce(changed.Id);
        await second.ForgetsAsync(changed, "the replica to hear announcements again");
    }

    [Fact]
    public async Task Announcing_without_redis_still_forgets_here_and_says_so_in_the_log()
    {
        var changed = LongLived();
        Assert.True(first.Keep(changed));
        server.Dispose();

        await first.Changes.Announce(changed.Id);

        Assert.False(first.Holds(changed));
        Assert.Contains(first.Log.Collector.GetSnapshot(),
            entry => entry.Message.StartsWith($"Could not announce the change of row {changed.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stopped_replica_no_longer_listens_nor_keeps_and_what_it_changes_it_still_forgets_itself()
    {
        await using var listening = await Replica.StartAsync(server);
        var changed = LongLived(final: true);
        var ownChange = LongLived(final: true);
        Assert.True(second.Keep(changed));
        Assert.True(second.Keep(ownChange));
        Assert.True(listening.Keep(changed with { Final = false }));

        await second.Changes.StopAsync(CancellationToken.None);
        Assert.False(second.Keep(LongLived()));

        await first.Changes.Announce(changed.Id);
        await listening.ForgetsAsync(changed, "the listening replica to forget the changed row");

        // Its own change it forgets at once, announcement or not.
        await second.Changes.Announce(ownChange.Id);
        Assert.False(second.Holds(ownChange));

        // Redis going away no longer reaches it either: it keeps its copy.
        server.Dispose();
        await Eventually.ValueAsync(() => Task.FromResult(second.Redis.IsConnected ? null : "disconnected"),
            TimeSpan.FromSeconds(20), "the stopped replica's connection to notice Redis is gone");
        Assert.True(second.Holds(changed));
    }

    [Fact]
    public async Task A_replica_started_while_redis_is_away_starts_and_keeps_copies_once_it_listens()
    {
        server.Dispose();
        await using var late = await Replica.StartAsync(server, untilListening: false);
        Assert.False(late.Changes.Listening.IsCompleted);

        // Before it can hear of changes, it keeps only what cannot change, and forgets that too once it
        // listens; a read begun before then is not kept after.
        Assert.False(late.Keep(LongLived()));
        var final = LongLived(final: true);
        Assert.True(late.Keep(final));
        var readBeforeListening = LongLived();
        var versionBeforeRead = late.Cache.Version;

        server = await RedisServer.StartAsync(server.Port);
        await late.Changes.Listening.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(late.Holds(final));
        late.Cache.Remember(readBeforeListening, versionBeforeRead);
        Assert.False(late.Holds(readBeforeListening));
        await Eventually.ValueAsync(() => Task.FromResult(first.Redis.IsConnected ? "connected" : null),
            TimeSpan.FromSeconds(20), "the announcing replica to reconnect");
        var changed = LongLived();
        Assert.True(late.Keep(changed));

        await first.Changes.Announce(changed.Id);

        await late.ForgetsAsync(changed, "the late replica to forget the changed row");
        Assert.Contains(late.Log.Collector.GetSnapshot(),
            entry => entry.Message.StartsWith("Could not listen on Redis channel tests:changed yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replica_stopped_before_redis_came_back_stops_trying()
    {
        server.Dispose();
        await using var late = await Replica.StartAsync(server, untilListening: false);

        await late.Changes.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(late.Changes.Listening.IsCompleted);
    }

    /// <summary>A row kept far longer than any test waits, so only an announcement or a lost connection removes it.</summary>
    private static Row LongLived(bool final = false) => new(Guid.NewGuid(), TimeSpan.FromMinutes(10), final);

    private sealed class TestChanges(IConnectionMultiplexer redis, RowCache cache, FakeLogger log)
        : AnnouncedChanges(redis, new RedisDeadline(Options.Create(new RedisDeadlineOptions()), TimeProvider.System), cache, "tests:changed", "row",
            TimeProvider.System, log);

    private sealed class Replica : IAsyncDisposable
    {
        private Replica(ConnectionMultiplexer redis)
        {
            Redis = redis;
            Changes = new TestChanges(redis, Cache, Log);
        }

        public ConnectionMultiplexer Redis { get; }

        public RowCache Cache { get; } = new(maxEntries: 100, TimeProvider.System);

        public AnnouncedChanges Changes { get; }

        public FakeLogger Log { get; } = new();

        /// <summary>Remembers a row as read now; whether it was kept.</summary>
        public bool Keep(Row row)
        {
            Cache.Remember(row, Cache.Version);
            return Holds(row);
        }

        public bool Holds(Row row) => Cache.Find(row.Id) is not null;

        public async Task ForgetsAsync(Row row, string what) =>
            await Eventually.ValueAsync(() => Task.FromResult(Holds(row) ? null : "forgotten"), TimeSpan.FromSeconds(10), what);

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
            // As the host does: stopped, then disposed.
            await Changes.StopAsync(CancellationToken.None);
            await Changes.DisposeAsync();
            Cache.Dispose();
            await Redis.DisposeAsync();
        }
    }
}
