using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>
/// Per-key limits (CONTRACT §2): one-minute <see cref="FixedWindowCounter"/> windows, so every
/// gateway replica shares one count. The gateway counts; the Keys service reads the same counters
/// for <c>GET /v1/api-keys/self</c>.
/// </summary>
public sealed class KeyRateLimitOptions
{
    public const string SectionName = "RateLimits";

    [Range(1, 1_000_000)]
    public int TriggersPerMinute { get; set; } = 20;

    [Range(1, 1_000_000)]
    public int ReadsPerMinute { get; set; } = 600;

    public int LimitOf(string policy) => policy == KeyRateLimits.Triggers ? TriggersPerMinute : ReadsPerMinute;
}
