using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TrustedOss.ServiceDefaults;

/// <summary>Names of the project's own activity source and meter, registered with OpenTelemetry.</summary>
public static class Telemetry
{
    public const string ActivitySourceName = "TrustedOss";
    public const string MeterName = "TrustedOss";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
