using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Gateway;

public sealed class WebhookRateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>
    /// Deliveries one client address may post a minute (CONTRACT §4 step 1). GitHub and GitLab post
    /// from a handful of addresses for all their customers, so the default is generous.
    /// </summary>
    [Range(1, 10_000_000)]
    public int WebhooksPerMinute { get; set; } = 3_000;
}
