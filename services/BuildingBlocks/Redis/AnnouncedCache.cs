using Microsoft.Extensions.Caching.Memory;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Redis;

/// <summary>
/// Copies of rows this replica read, each kept until a change of it is announced by any replica
/// (<see cref="AnnouncedChanges"/>) or its lifetime ends, whichever comes first. A read that
/// overlaps an announcement is not kept: it may have read the row before the change. Nor is
/// anything kept while this replica cannot hear announcements (before it has subscribed, or
/// while its connection to Redis is down), since a change would then go unnoticed until the
/// copy's lifetime ends. Rows that can no longer change are kept in every case.
/// </summary>
public abstract class AnnouncedCache<TValue>(int maxEntries, TimeProvider time) : IAnnouncedCache, IDisposable where TValue : class
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = maxEntries, Clock = new TimeProviderClock(time) });
    private long forgotten;
    private volatile bool hearing;

    public TValue? Find(Guid id) => cache.Get<TValue>(id);

    /// <summary>Taken before a database read; <see cref="Remember"/> keeps the read only if nothing was forgotten since.</summary>
    public long Version => Interlocked.Read(ref forgotten);

    /// <summary>Whether announcements reach this replica now; set by <see cref="AnnouncedChanges"/>.</summary>
    public bool Hearing
    {
        get => hearing;
        set => hearing = value;
    }

    /// <summary>
    /// This replica's copy of the row <paramref name="id"/>, else what <paramref name="read"/> finds
    /// now (null: none), kept unless a change of it was announced while it was being read. The
    /// reader gets <paramref name="state"/>, so that a static lambda serves: a hot path's hit then
    /// allocates nothing.
    /// </summary>
    public async ValueTask<TValue?> ReadThroughAsync<TState>(
        Guid id, TState state, Func<TState, Guid, CancellationToken, Task<TValue?>> read, CancellationToken cancellationToken)
    {
        if (Find(id) is { } kept)
        {
            return kept;
        }

        var version = Version;
        var found = await read(state, id, cancellationToken);
        if (found is not null)
        {
            Remember(found, version);
        }

        return found;
    }

    /// <summary>Keeps a row read after <paramref name="versionBeforeRead"/> was taken, as <see cref="KeepingOf"/> says.</summary>
    public void Remember(TValue value, long versionBeforeRead)
    {
        var (id, lifetime, final) = KeepingOf(value);
        if (lifetime <= TimeSpan.Zero || !(final || hearing))
        {
            return;
        }

        cache.Set(id, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        // Checked after storing, so a change announced (or a connection lost) while it was being stored is caught too.
        if (!final && (Version != versionBeforeRead || !hearing))
        {
            cache.Remove(id);
        }
    }

    public void Forget(Guid id)
    {
        Interlocked.Increment(ref forgotten);
        cache.Remove(id);
    }

    /// <summary>Everything, when announcements may have been missed (the connection that brings them was lost).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref forgotten);
        cache.Clear();
    }

    /// <summary>How this cache keeps <paramref name="value"/>.</summary>
    protected abstract CacheKeeping KeepingOf(TValue value);

    public void Dispose()
    {
        cache.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>How a cache keeps a row: under its id, for how long at most, and whether it can no longer change (then kept whatever is announced meanwhile).</summary>
public readonly record struct CacheKeeping(Guid Id, TimeSpan Lifetime, bool Final = false);

/// <summary>What <see cref="AnnouncedChanges"/> needs of a cache, whatever it holds.</summary>
public interface IAnnouncedCache
{
    bool Hearing { get; set; }

    void Forget(Guid id);

    void ForgetAll();
}
