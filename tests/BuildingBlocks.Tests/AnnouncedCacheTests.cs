using Microsoft.Extensions.Time.Testing;
using TrustedOss.Redis;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>A replica's copies: kept for their lifetime, forgotten on an announcement, never kept when they may predate one.</summary>
public sealed class AnnouncedCacheTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly AnnouncedCache<Row> cache;

    public AnnouncedCacheTests() => cache = new AnnouncedCache<Row>(maxEntries: 3, time) { Hearing = true };

    public void Dispose() => cache.Dispose();

    [Fact]
    public void A_copy_is_kept_for_its_lifetime_and_not_after()
    {
        var row = Row.New();
        cache.Remember(row.Id, row, Lifetime, cache.Version);

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
        cache.Remember(changed.Id, changed, Lifetime, cache.Version);
        cache.Remember(other.Id, other, Lifetime, cache.Version);

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

        cache.Remember(read.Id, read, Lifetime, before);

        Assert.Null(cache.Find(read.Id));
    }

    [Fact]
    public void A_read_that_began_before_everything_was_forgotten_is_not_kept()
    {
        var before = cache.Version;
        var read = Row.New();
        cache.ForgetAll();

        cache.Remember(read.Id, read, Lifetime, before);

        Assert.Null(cache.Find(read.Id));
    }

    [Fact]
    public void A_row_that_cannot_change_is_kept_even_when_read_while_another_changed()
    {
        var before = cache.Version;
        var final = Row.New();
        cache.Forget(Guid.NewGuid());

        cache.Remember(final.Id, final, Lifetime, before, final: true);

        Assert.Same(final, cache.Find(final.Id));
    }

    [Fact]
    public void Forgetting_everything_leaves_nothing()
    {
        var changing = Row.New();
        var final = Row.New();
        cache.Remember(changing.Id, changing, Lifetime, cache.Version);
        cache.Remember(final.Id, final, Lifetime, cache.Version, final: true);

        cache.ForgetAll();

        Assert.Null(cache.Find(changing.Id));
        Assert.Null(cache.Find(final.Id));
    }

    [Fact]
    public void While_announcements_cannot_be_heard_only_rows_that_cannot_change_are_kept()
    {
        cache.Hearing = false;
        var changing = Row.New();
        var final = Row.New();

        cache.Remember(changing.Id, changing, Lifetime, cache.Version);
        cache.Remember(final.Id, final, Lifetime, cache.Version, final: true);

        Assert.Null(cache.Find(changing.Id));
        Assert.Same(final, cache.Find(final.Id));
    }

    [Fact]
    public void No_lifetime_keeps_nothing()
    {
        var final = Row.New();

        cache.Remember(final.Id, final, TimeSpan.Zero, cache.Version, final: true);

        Assert.Null(cache.Find(final.Id));
    }

    [Fact]
    public void It_holds_at_most_its_size()
    {
        var rows = Enumerable.Range(0, 4).Select(_ => Row.New()).ToList();
        foreach (var row in rows)
        {
            cache.Remember(row.Id, row, Lifetime, cache.Version);
        }

        Assert.Equal(3, rows.Count(row => cache.Find(row.Id) is not null));
        Assert.Null(cache.Find(rows[^1].Id));
    }

    internal sealed record Row(Guid Id)
    {
        public static Row New() => new(Guid.NewGuid());
    }
}
