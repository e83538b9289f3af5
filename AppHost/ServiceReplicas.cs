using TrustedOss.AppHost.LocalServers;

namespace TrustedOss.AppHost;

public static class ServiceReplicas
{
    /// <summary>
    /// Runs this many replicas of a service. With more than one, the orchestrator's proxy in front
    /// of them spreads the calls. With one, the service is reached on a port of its own instead: the
    /// proxy would only copy every request and answer through one more process (8 % of the machine
    /// under the CI poll's load, docs/benchmarks.md). The port is chosen in run mode only: nothing
    /// of it reaches the manifest.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceReplicas(this IResourceBuilder<ProjectResource> project, IDistributedApplicationBuilder builder, int replicas)
    {
        project.WithReplicas(replicas);
        if (!builder.ExecutionContext.IsRunMode || replicas != 1)
        {
            return project;
        }

        var port = LocalServerFiles.FreePort();
        return project.WithEndpoint("http", endpoint =>
        {
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.IsProxied = false;
        });
    }
}
