using TrustedOss.AppHost.LocalServers;

namespace TrustedOss.AppHost;

public static class DirectEndpoint
{
    /// <summary>
    /// With one replica, a service is reached on a port of its own, not through the orchestrator's
    /// proxy: the proxy would only copy every request and answer through one more process (8 % of
    /// the machine under the CI poll's load, docs/benchmarks.md). With more replicas the proxy is
    /// what spreads requests among them, so it stays. Only in run mode: nothing reaches the manifest.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectEndpoint(this IResourceBuilder<ProjectResource> project, IDistributedApplicationBuilder builder, int replicas)
    {
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
