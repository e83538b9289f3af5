using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Gateway;

/// <summary>The gateway's limits beyond each key's own (those are <c>KeyRateLimitOptions</c>, shared with Keys).</summary>
public sealed class GatewayRateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>
    /// Deliveries one client address may post a minute (CONTRACT §4 step 1). GitHub and GitLab post
    /// from a handful of addresses for all their customers, so the default is generous.
    /// </summary>
    [Range(1, 10_000_000)]
    public int WebhooksPerMinute { get; set; } = 3_000;

    /// <summary>Scan triggers per person: their token and every key they issued together, so more keys never mean more scans.</summary>
    [Range(1, 1_000_000)]
    public int TriggersPerUserPerMinute { get; set; } = 60;

    /// <summary>Scan triggers per project, all callers together.</summary>
    [Range(1, 1_000_000)]
    public int TriggersPerProjectPerMinute { get; set; } = 60;
}
