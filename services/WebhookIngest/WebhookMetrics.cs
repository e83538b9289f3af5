using System.Diagnostics.Metrics;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.WebhookIngest;

/// <summary>The Webhook-Ingest service's metrics (meter <c>TrustedOss.WebhookIngest</c>).</summary>
public sealed class WebhookMetrics
{
    private readonly Counter<long> deliveries;
    private readonly Histogram<int> writeBatches;

    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.NameOf("WebhookIngest"));
        deliveries = meter.CreateCounter<long>(
            "trustedoss.webhooks.deliveries", unit: "{delivery}", description: "Verified deliveries answered, by provider and outcome.");
        writeBatches = meter.CreateHistogram<int>(
            "trustedoss.webhooks.write_batch.size", unit: "{delivery}", description: "Deliveries stored in one transaction.");
    }

    /// <summary>A verified delivery was answered with <paramref name="outcome"/> (enqueued, ignored, skipped_active_scan, duplicate).</summary>
    public void Answered(string provider, string outcome) =>
        deliveries.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A transaction is storing <paramref name="size"/> deliveries.</summary>
    public void Writing(int size) => writeBatches.Record(size);
}
