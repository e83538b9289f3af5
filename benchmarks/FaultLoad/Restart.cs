namespace TrustedOss.FaultLoad;

/// <summary>One server's restart: when it was stopped and when it was healthy again, since the load began.</summary>
internal sealed record Restart(string Server, TimeSpan Stopped, TimeSpan Back);
