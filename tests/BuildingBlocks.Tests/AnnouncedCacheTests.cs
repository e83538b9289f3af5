using Microsoft.Extensions.Time.Testing;
using TrustedOss.Redis;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>A replica's copies: kept for their lifetime, forgotten on an announcement, never kept when they may predate one.</summary>
public sealed class AnnouncedCacheTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly RowCache cache;

    public AnnouncedCacheTests() => cache = new RowCache(maxEntries: 3, time) { Hearing = true };

    public void Dispose() => cache.Dispose();

    [Fact]
    public void A_copy_is_kept_for_its_lifetime_and_not_after()
    {
        var row = Row.New();
        cache.Remember(row, cache.Version);

        time.Advance(Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.Same(row, cache.Find(row.Id));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(cache.Find(row.Id));
    }

    [Fact]
    public void A_forgotten_row_is_read_again_and_others_stay()
    {
        var changed = Row.New();
        var other = Row.New();
        cache.Remember(changed, cache.Version);
        cache.Remember(other, cache.Version);

        cache.Forget(changed.Id);

        Assert.Null(cache.Find(changed.Id));
        Assert.Same(other, cache.Find(other.Id));
    }

    [Fact]
    public void A_read_that_began_before_a_change_is_not_kept()
    {
        var before = cache.Version;
        var read = Row.New();
        cache.Forget(Guid.NewGuid());

        cache.Remember(read, before);

        Assert.Null(cache.Find(read.Id));
    }

    [Fact]
    public void A_read_that_began_before_everything_was_forgotten_is_not_kept()
    {
        var before = cache.Version;
        var read = Row.New();
        cache.ForgetAll();

        cache.Remember(read, before);

        Assert.Null(cache.Find(read.Id));
    }

    [Fact]
    public void A_row_that_cannot_change_is_kept_even_when_read_while_another_changed()
    {
        var before = cache.Version;
        var final = Row.New(final: true);
        cache.Forget(Guid.NewGuid());

        cache.Remember(final, before);

        Assert.Same(final, cache.Find(final.Id));
    }

    [Fact]
    public void Forgetting_everything_leaves_nothing()
    {
        var changing = Row.New();
        var final = Row.New(final: true);
        cache.Remember(changing, cache.Version);
        cache.Remember(final, cache.Version);

        cache.ForgetAll();

        Assert.Null(cache.Find(changing.Id));
        Assert.Null(cache.Find(final.Id));
    }

    [Fact]
    public void While_announcements_cannot_be_heard_only_rows_that_cannot_change_are_kept()
    {
        cache.Hearing = false;
        var changing = Row.New();
        var final = Row.New(final: true);

        cache.Remember(changing, cache.Version);
        cache.Remember(final, cache.Version);

        Assert.Null(cache.Find(changing.Id));
        Assert.Same(final, cache.Find(final.Id));
    }

    [Fact]
    public void No_lifetime_keeps_nothing()
    {
        var final = new Row(Guid.NewGuid(), TimeSpan.Zero, Final: true);

        cache.Remember(final, cache.Version);

        Assert.Null(cache.Find(final.Id));
    }

    [Fact]
    public void It_holds_at_most_its_size()
    {
        var rows = Enumerable.Range(0, 4).Select(_ => Row.New()).ToList();
        foreach (var row in rows)
        {
            cache.Remember(row, cache.Version);
        }

        Assert.Equal(3, rows.Count(row => cache.Find(row.Id) is not null));
        Assert.Null(cache.Find(rows[^1].Id));
    }

    [Fact]
    public async Task A_row_read_through_is_kept_and_then_answered_without_reading()
    {
        var row = Row.New();
        var reads = 0;

        var first = await cache.ReadThroughAsync(row.Id, 0, (_, _, _) => { reads++; return Task.FromResult<Row?>(row); }, CancellationToken.None);
        var second = await cache.ReadThroughAsync(row.Id, 0, (_, _, _) => { reads++; return Task.FromResult<Row?>(null); }, CancellationToken.None);

        Assert.Same(row, first);
        Assert.Same(row, second);
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task A_row_not_found_is_read_again_next_time()
    {
        var id = Guid.NewGuid();
        var asked = new List<Guid>();

        await cache.ReadThroughAsync(id, 0, (_, wanted, _) => { asked.Add(wanted); return Task.FromResult<Row?>(null); }, CancellationToken.None);
        await cache.ReadThroughAsync(id, 0, (_, wanted, _) => { asked.Add(wanted); return Task.FromResult<Row?>(null); }, CancellationToken.None);

        Assert.Equal([id, id], asked);
        Assert.Null(cache.Find(id));
    }

    [Fact]
    public async Task A_row_read_through_while_a_change_was_announced_is_answered_but_not_kept()
    {
        var row = Row.New();

        var answered = await cache.ReadThroughAsync(row.Id, 0, (_, id, _) =>
        {
            cache.Forget(id);
            return Task.FromResult<Row?>(row);
        }, CancellationToken.None);

        Assert.Same(row, answered);
        Assert.Null(cache.Find(row.Id));
    }

    /// <summary>A row that says how it is kept.</summary>
    internal sealed record Row(Guid Id, TimeSpan Lifetime, bool Final = false)
    {
        public static Row New(bool final = false) => new(Guid.NewGuid(), AnnouncedCacheTests.Lifetime, final);
    }

    internal sealed class RowCache(int maxEntries, TimeProvider time) : AnnouncedCache<Row>(maxEntries, time)
    {
        protected override CacheKeeping KeepingOf(Row row) => new(row.Id, row.Lifetime, row.Final);
    }
}
