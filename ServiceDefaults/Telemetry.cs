using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TrustedOss.ServiceDefaults;

/// <summary>Names of the project's own activity source and meter, registered with OpenTelemetry.</summary>
public static class Telemetry
{
    public const string ActivitySourceName = "TrustedOss";
    public const string MeterName = "TrustedOss";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    public static readonly Meter Meter = new(MeterName);

    /// <summary>API keys checked by the gateway, by outcome (accepted, refused, unavailable).</summary>
    public static readonly Counter<long> ApiKeyVerifications =
        Meter.CreateCounter<long>("trustedoss.api_key.verifications", description: "API keys checked by the gateway, by outcome.");

    /// <summary>Requests refused because their key's limit was spent, by policy (triggers, reads).</summary>
    public static readonly Counter<long> RateLimitRejections =
        Meter.CreateCounter<long>("trustedoss.rate_limit.rejections", description: "Keyed requests refused with 429, by policy.");

    /// <summary>
    /// Requests that went on without Redis because it did not answer in time, by what was skipped
    /// (rate_limit: let through uncounted).
    /// </summary>
    public static readonly Counter<long> RedisFailOpen =
        Meter.CreateCounter<long>("trustedoss.redis.fail_open", description: "Requests that went on without a Redis step that did not answer in time, by step.");

    /// <summary>Scans that finished, by status (succeeded, failed).</summary>
    public static readonly Counter<long> ScansCompleted =
        Meter.CreateCounter<long>("trustedoss.scans.completed", description: "Scans that finished, by status.");

    /// <summary>How long a scan ran, from running to its end.</summary>
    public static readonly Histogram<double> ScanDuration =
        Meter.CreateHistogram<double>("trustedoss.scans.duration", unit: "s", description: "How long scans ran.");
}
