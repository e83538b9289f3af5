using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Gateway;

/// <summary>
/// Scan triggers beyond each key's own limit: per person (their token and every key they issued
/// together, so more keys never mean more scans) and per project (all callers together).
/// </summary>
public sealed class TriggerRateLimitOptions
{
    public const string SectionName = "RateLimits";

    [Range(1, 1_000_000)]
    public int TriggersPerUserPerMinute { get; set; } = 60;

    [Range(1, 1_000_000)]
    public int TriggersPerProjectPerMinute { get; set; } = 60;
}
