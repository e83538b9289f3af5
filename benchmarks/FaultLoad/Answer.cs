namespace TrustedOss.FaultLoad;

/// <summary>One answer the load got: when (since the load began), to what, and how.</summary>
/// <param name="Status">The HTTP status; 0 when no answer came (connection refused, timeout).</param>
internal readonly record struct Answer(TimeSpan At, bool Trigger, int Status, bool RetryAfter);
