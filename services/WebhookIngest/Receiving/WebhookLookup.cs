using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults;
using TrustedOss.WebhookIngest.Data;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// The webhooks a delivery's repository may belong to, kept in this process between settings
/// changes, so that a delivery costs no database read while nothing changed. Every change of a
/// webhook (<see cref="ChangedAsync"/>, after its commit and before its answer) moves a version in
/// Redis that each delivery reads, on every replica: a replaced secret, or one whose grace was
/// ended, stops verifying everywhere as soon as the change is answered. Without an answer from Redis
/// the database is read, as before. Entries are still read again after <see cref="MaxAge"/> (the
/// bound on a change whose version Redis did not take), and at most <see cref="MaxEntries"/> are
/// kept; the secrets in them stay encrypted.
/// </summary>
internal sealed class WebhookLookup(
    WebhookStore store, IConnectionMultiplexer redis, RedisDeadline redisDeadline, TimeProvider time, ILogger<WebhookLookup> logger)
    : IDisposable
{
    /// <summary>Moved by every change of any webhook's settings; absent until the first.</summary>
    internal const string VersionKey = "webhooks:settings-version";

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    /// <summary>The most repositories kept (made-up ones by the thousand cannot grow this process).</summary>
    internal const int MaxEntries = 10_000;

    private sealed record Entry(long Version, IReadOnlyList<ProjectWebhookRow> Webhooks);

    private readonly MemoryCache entries = new(new MemoryCacheOptions { SizeLimit = MaxEntries, Clock = new TimeProviderClock(time) });

    /// <summary>The webhooks of <paramref name="provider"/> for any of the repository keys, as <see cref="WebhookStore.ForRepositoryAsync"/> has them.</summary>
    public async Task<IReadOnlyList<ProjectWebhookRow>> ForRepositoryAsync(string provider, string[] repositoryKeys, CancellationToken cancellationToken)
    {
        // Read before the database, so that rows read after a change are never kept under the version before it.
        var version = await VersionAsync();
        var key = CacheKey(provider, repositoryKeys);
        if (version is { } current && entries.Get<Entry>(key) is { } entry && entry.Version == current)
        {
            return entry.Webhooks;
        }

        var webhooks = await store.ForRepositoryAsync(provider, repositoryKeys, cancellationToken);
        if (version is { } readUnder)
        {
            entries.Set(key, new Entry(readUnder, webhooks), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = MaxAge });
        }

        return webhooks;
    }

    /// <summary>
    /// One entry's name: each part prefixed by its length, so that no payload's URL, whatever it
    /// holds, names the entry of other URLs (a URL with newlines in it would otherwise have made
    /// the entry of three real ones, kept empty, and refused their deliveries).
    /// </summary>
    internal static string CacheKey(string provider, IEnumerable<string> repositoryKeys) =>
        string.Concat(new[] { provider }.Concat(repositoryKeys).Select(part => $"{part.Length}:{part}"));

    /// <summary>Says that a webhook's settings changed (committed): every replica reads them again for its next delivery.</summary>
    public async Task ChangedAsync()
    {
        entries.Clear();
        try
        {
            await redisDeadline.WithinAsync(redis.GetDatabase().StringIncrementAsync(VersionKey));
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            logger.LogWarning("A webhook change could not be announced ({Reason}); other replicas see it within {MaxAge}", ex.Message, MaxAge);
        }
    }

    public void Dispose() => entries.Dispose();

    /// <summary>The settings' version, 0 before any change; null when Redis does not answer in time.</summary>
    private async Task<long?> VersionAsync()
    {
        try
        {
            var value = await redisDeadline.WithinAsync(redis.GetDatabase().StringGetAsync(VersionKey));
            return value.IsNull ? 0 : (long)value;
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            return null;
        }
    }
}
