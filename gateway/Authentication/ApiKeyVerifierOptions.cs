using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Gateway.Authentication;

public sealed class ApiKeyVerifierOptions
{
    public const string SectionName = "ApiKeyVerifier";

    /// <summary>How long this process reuses a key's entry without asking Redis (revocation bound: 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan LocalCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often one key's use is noted for last_used_at (the list shows it within a minute).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:30")]
    public TimeSpan UsageNoteInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Failed key checks a client address may cause in a minute (shared by all replicas); past it,
    /// keys this gateway has not recently verified are refused with 429 without any lookup.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailuresPerMinute { get; set; } = 30;
}
