using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Scans.Data;

/// <summary>
/// The scans this replica read lately, so that a pipeline's poll is answered without a database
/// read. An ended scan never changes (every update of a scan is of a queued or running one), so it
/// is kept <see cref="EndedLifetime"/>. A queued or running scan is kept until it changes: every
/// change is announced to every replica (<see cref="ScanChanges"/>), and
/// <see cref="ScanCacheOptions.ActiveLifetime"/> bounds how long a missed announcement can leave
/// it stale. An active scan's read that overlaps an announcement is not kept: it may have read
/// the row before the change.
/// </summary>
internal sealed class ScanCache(IOptions<ScanCacheOptions> options, TimeProvider time) : IDisposable
{
    public const int MaxScans = 10_000;
    public static readonly TimeSpan EndedLifetime = TimeSpan.FromMinutes(10);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxScans, Clock = new TimeProviderClock(time) });
    private long forgotten;

    public sealed record Entry(Scan Scan, Guid? TeamId);

    public Entry? Find(Guid scanId) => cache.Get<Entry>(scanId);

    /// <summary>Taken before a database read; <see cref="Remember"/> keeps the read only if nothing was forgotten since.</summary>
    public long Version => Interlocked.Read(ref forgotten);

    public void Remember(Entry entry, long versionBeforeRead)
    {
        var ended = entry.Scan.Status is ScanStatus.Succeeded or ScanStatus.Failed;
        var lifetime = ended ? EndedLifetime : options.Value.ActiveLifetime;
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        cache.Set(entry.Scan.Id, entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        // Checked after storing, so a change announced while it was being stored is caught too.
        if (!ended && Version != versionBeforeRead)
        {
            cache.Remove(entry.Scan.Id);
        }
    }

    public void Forget(Guid scanId)
    {
        Interlocked.Increment(ref forgotten);
        cache.Remove(scanId);
    }

    /// <summary>Everything, when announcements may have been missed (the connection that brings them was lost).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref forgotten);
        cache.Clear();
    }

    public void Dispose() => cache.Dispose();
}
