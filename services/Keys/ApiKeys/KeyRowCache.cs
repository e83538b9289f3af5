using TrustedOss.Redis;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// The keys this replica showed to themselves lately (<c>GET /v1/api-keys/self</c>), so that a
/// pipeline checking its credential is answered without a database read. Kept until any replica
/// announces a change of the key (<see cref="KeyRowChanges"/>: narrowed or revoked) and at most
/// <see cref="Lifetime"/>, as long as a gateway keeps its copy of the key: so a missed announcement
/// costs no more here than there, and <c>last_used_at</c> is at most that much older than the list's.
/// </summary>
internal sealed class KeyRowCache(TimeProvider time) : AnnouncedCache<ApiKey>(MaxKeys, time)
{
    public const int MaxKeys = 10_000;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    protected override CacheKeeping KeepingOf(ApiKey key) => new(key.Id, Lifetime);
}
