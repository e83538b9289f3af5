using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Keys.Data;

public sealed class PeopleCacheOptions
{
    public const string SectionName = "PeopleCache";

    /// <summary>
    /// The longest a replica authorizes a person from its copy of them (active or not, super admin
    /// or not, their memberships). Every change is announced to every replica, which then reads the
    /// person again; this bounds how long a change counts for nothing on a replica that missed the
    /// announcement (the changing replica could not reach Redis). The gateway's copy of an API key
    /// lives as long. Zero reads the person for every request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(5);
}
