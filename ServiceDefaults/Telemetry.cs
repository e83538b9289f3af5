namespace TrustedOss.ServiceDefaults;

/// <summary>
/// Every activity source and meter of ours is named <c>TrustedOss.{owner}</c>, so OpenTelemetry
/// registers them all by one pattern; each service keeps its own metrics beside its code.
/// </summary>
public static class Telemetry
{
    public const string NamePattern = "TrustedOss.*";

    public static string NameOf(string owner) => $"TrustedOss.{owner}";
}
