using Microsoft.Extensions.Configuration;

namespace TrustedOss.AppHost;

public static class TraceSampling
{
    /// <summary>
    /// Passes the operator's <c>Telemetry:TraceSampleRatio</c> (0 to 1; every trace when unset) to a
    /// service: under heavy load, exporting every trace to the dashboard costs more than serving.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTraceSampling(this IResourceBuilder<ProjectResource> project, IConfiguration configuration) =>
        configuration["Telemetry:TraceSampleRatio"] is { Length: > 0 } ratio ? project.WithEnvironment("Telemetry__TraceSampleRatio", ratio) : project;
}
