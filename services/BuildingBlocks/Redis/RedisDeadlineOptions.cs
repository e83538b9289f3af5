using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Redis;

public sealed class RedisDeadlineOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// The longest a request waits for one Redis command (a key's cache entry, a rate-limit count).
    /// Redis answers in well under a millisecond; past this it is stalled, and the request goes on
    /// as its caller decided (503, or without the limit).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromMilliseconds(250);
}
