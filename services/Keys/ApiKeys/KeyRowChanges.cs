using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.Keys.ApiKeys;

/// <summary>Announces every change of a key's row to every replica's <see cref="KeyRowCache"/>, on the Redis channel <c>api-keys:rows-changed</c>.</summary>
internal sealed class KeyRowChanges(IConnectionMultiplexer redis, RedisDeadline deadline, KeyRowCache cache, TimeProvider time, ILogger<KeyRowChanges> logger)
    : AnnouncedChanges(redis, deadline, cache, "api-keys:rows-changed", "API key", time, logger);
