using Microsoft.Extensions.Options;
using TrustedOss.Redis;

namespace TrustedOss.Scans.Data;

/// <summary>
/// The scans this replica read lately, so that a pipeline's poll is answered without a database
/// read. An ended scan never changes (every update of a scan is of a queued or running one), so it
/// is kept <see cref="EndedLifetime"/>. A queued or running scan is kept until it changes: every
/// change is announced to every replica (<see cref="ScanChanges"/>), and
/// <see cref="ScanCacheOptions.ActiveLifetime"/> bounds how long a missed announcement can leave
/// it stale.
/// </summary>
internal sealed class ScanCache(IOptions<ScanCacheOptions> options, TimeProvider time) : AnnouncedCache<ScanCache.Entry>(MaxScans, time)
{
    public const int MaxScans = 10_000;
    public static readonly TimeSpan EndedLifetime = TimeSpan.FromMinutes(10);

    public sealed record Entry(Scan Scan, Guid? TeamId);

    protected override CacheKeeping KeepingOf(Entry entry)
    {
        var ended = entry.Scan.Status is ScanStatus.Succeeded or ScanStatus.Failed;
        return new CacheKeeping(entry.Scan.Id, ended ? EndedLifetime : options.Value.ActiveLifetime, Final: ended);
    }
}
