using Microsoft.Extensions.Caching.Memory;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Access;

/// <summary>
/// A project's team and repository as the Keys service last told them, kept in-process so that an
/// API key's access to a project is judged here, without a call to Keys per request (a pipeline's
/// trigger). Correct without invalidation because a project never changes team or repository and
/// is never removed: the contract offers no way to, and the Keys database refuses it (migration
/// 0006_immutable_projects). Bounded in entries and lifetime all the same. Only what Keys answered
/// for an existing project is kept: an unknown project is asked again every time.
/// </summary>
public sealed class ProjectFactsCache(TimeProvider time) : IDisposable
{
    public const int MaxProjects = 10_000;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxProjects, Clock = new TimeProviderClock(time) });

    public sealed record Facts(Guid TeamId, string GitUrl);

    public Facts? Find(Guid projectId) => cache.Get<Facts>(projectId);

    /// <summary>Keeps Keys' answer about <paramref name="projectId"/> when it is one about that project, with its facts.</summary>
    public void Remember(Guid projectId, ProjectAccess access)
    {
        if (access.ProjectId == projectId && access.TeamId != Guid.Empty && !string.IsNullOrEmpty(access.GitUrl))
        {
            cache.Set(projectId, new Facts(access.TeamId, access.GitUrl),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }
    }

    public void Dispose() => cache.Dispose();
}
