using System.Diagnostics.Metrics;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Gateway;

/// <summary>The gateway's own metrics (meter <c>TrustedOss.Gateway</c>).</summary>
public sealed class GatewayMetrics
{
    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.NameOf("Gateway"));
        ApiKeyVerifications = meter.CreateCounter<long>("trustedoss.api_key.verifications", description: "API keys checked by the gateway, by outcome.");
        RateLimitRejections = meter.CreateCounter<long>("trustedoss.rate_limit.rejections", description: "Keyed requests refused with 429, by policy.");
        RedisFailOpen = meter.CreateCounter<long>("trustedoss.redis.fail_open",
            description: "Requests that went on without a Redis step that did not answer in time, by step.");
    }

    /// <summary>API keys checked, by outcome (accepted, refused, unavailable, throttled).</summary>
    public Counter<long> ApiKeyVerifications { get; }

    /// <summary>Requests refused because their key's limit was spent, by policy (triggers, reads).</summary>
    public Counter<long> RateLimitRejections { get; }

    /// <summary>Requests that went on without Redis because it did not answer in time, by what was skipped.</summary>
    public Counter<long> RedisFailOpen { get; }
}
