using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Scans.Data;

namespace TrustedOss.Scans.Tests;

/// <summary>What a replica answers polls from: ended scans for long, active ones until they change or briefly (the rest: <c>AnnouncedCacheTests</c>).</summary>
public sealed class ScanCacheTests : IDisposable
{
    private static readonly TimeSpan ActiveLifetime = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ScanCache cache;

    public ScanCacheTests() => cache = new ScanCache(Options.Create(new ScanCacheOptions { ActiveLifetime = ActiveLifetime }), time) { Hearing = true };

    public void Dispose() => cache.Dispose();

    [Theory]
    [InlineData(ScanStatus.Queued)]
    [InlineData(ScanStatus.Running)]
    public void An_active_scan_is_kept_for_the_active_lifetime_and_not_after(string status)
    {
        var entry = Entry(status);
        cache.Remember(entry, cache.Version);

        time.Advance(ActiveLifetime - TimeSpan.FromMilliseconds(1));
        Assert.Same(entry, cache.Find(entry.Scan.Id));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(cache.Find(entry.Scan.Id));
    }

    [Theory]
    [InlineData(ScanStatus.Succeeded)]
    [InlineData(ScanStatus.Failed)]
    public void An_ended_scan_is_kept_for_the_ended_lifetime(string status)
    {
        var entry = Entry(status);
        cache.Remember(entry, cache.Version);

        time.Advance(ScanCache.EndedLifetime - TimeSpan.FromMilliseconds(1));
        Assert.Same(entry, cache.Find(entry.Scan.Id));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(cache.Find(entry.Scan.Id));
    }

    [Fact]
    public void An_ended_scan_read_while_another_changed_is_kept_since_it_cannot_change()
    {
        var before = cache.Version;
        var read = Entry(ScanStatus.Succeeded);
        cache.Forget(Guid.NewGuid());

        cache.Remember(read, before);

        Assert.Same(read, cache.Find(read.Scan.Id));
    }

    [Fact]
    public void An_active_scan_read_while_announcements_cannot_be_heard_is_not_kept_and_an_ended_one_is()
    {
        cache.Hearing = false;
        var active = Entry(ScanStatus.Running);
        var ended = Entry(ScanStatus.Succeeded);

        cache.Remember(active, cache.Version);
        cache.Remember(ended, cache.Version);

        Assert.Null(cache.Find(active.Scan.Id));
        Assert.Same(ended, cache.Find(ended.Scan.Id));
    }

    [Fact]
    public void With_no_active_lifetime_only_ended_scans_are_kept()
    {
        using var endedOnly = new ScanCache(Options.Create(new ScanCacheOptions { ActiveLifetime = TimeSpan.Zero }), time) { Hearing = true };
        var active = Entry(ScanStatus.Running);
        var ended = Entry(ScanStatus.Failed);

        endedOnly.Remember(active, endedOnly.Version);
        endedOnly.Remember(ended, endedOnly.Version);

        Assert.Null(endedOnly.Find(active.Scan.Id));
        Assert.Same(ended, endedOnly.Find(ended.Scan.Id));
    }

    internal static ScanCache.Entry Entry(string status) => new(
        new Scan(Guid.NewGuid(), Guid.NewGuid(), ScanKind.Source, status, "main", CommitSha: null, ScanTrigger.Api, RequestedByUserId: null,
            ApiKeyId: Guid.NewGuid(), DeliveryId: null, new DateTime(2026, 12, 5, 10, 0, 0, DateTimeKind.Utc), StartedAt: null, CompletedAt: null,
            ErrorCode: null, ErrorMessage: null, ComponentCount: null),
        Guid.NewGuid());
}
