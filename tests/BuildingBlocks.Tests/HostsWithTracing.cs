namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>
/// Test classes that start web hosts with the service defaults' tracing run one at a time: every
/// host listens to the same process-wide activity sources, so one host's sampler would decide for
/// another's requests, and its exporter would see them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostsWithTracing
{
    public const string Name = "Hosts with tracing";
}
