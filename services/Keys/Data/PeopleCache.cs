using Microsoft.Extensions.Options;
using TrustedOss.Keys.Directory;
using TrustedOss.Redis;

namespace TrustedOss.Keys.Data;

/// <summary>
/// The people this replica authorized lately, with their memberships, so that a person's request
/// is authorized without a database read. Kept until any replica announces a change of them
/// (<see cref="PeopleChanges"/>) and at most <see cref="PeopleCacheOptions.Lifetime"/>; never a
/// person that was not found or is deactivated, nor their password hash.
/// </summary>
internal sealed class PeopleCache(IOptions<PeopleCacheOptions> options, TimeProvider time) : AnnouncedCache<CurrentUser>(MaxPeople, time)
{
    public const int MaxPeople = 10_000;

    protected override CacheKeeping KeepingOf(CurrentUser user) => new(user.Id, options.Value.Lifetime);
}
