using System.Diagnostics.Metrics;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Scans;

/// <summary>The Scan service's metrics (meter <c>TrustedOss.Scans</c>).</summary>
public sealed class ScanMetrics
{
    private readonly Counter<long> completed;
    private readonly Histogram<double> duration;

    public ScanMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.NameOf("Scans"));
        completed = meter.CreateCounter<long>("trustedoss.scans.completed", description: "Scans that finished, by status.");
        duration = meter.CreateHistogram<double>("trustedoss.scans.duration", unit: "s", description: "How long scans ran, from running to their end.");
    }

    /// <summary>A scan ended with <paramref name="status"/> (succeeded, failed) after running <paramref name="ran"/>.</summary>
    public void Finished(string status, TimeSpan ran)
    {
        var tag = new KeyValuePair<string, object?>("status", status);
        completed.Add(1, tag);
        duration.Record(ran.TotalSeconds, tag);
    }
}
