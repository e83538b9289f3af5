using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.Keys.Data;

/// <summary>
/// Announces every change of a person's rights (deactivation, reactivation, a membership added,
/// changed or removed) to every replica's <see cref="PeopleCache"/>, on the Redis channel <c>people:changed</c>.
/// </summary>
internal sealed class PeopleChanges(IConnectionMultiplexer redis, RedisDeadline deadline, PeopleCache cache, TimeProvider time, ILogger<PeopleChanges> logger)
    : AnnouncedChanges(redis, deadline, cache, "people:changed", "person", time, logger);
