using Microsoft.Extensions.Configuration;

namespace TrustedOss.AppHost;

public static class RunSettings
{
    /// <summary>
    /// Passes what the operator chose for this run to a service (nothing reaches the manifest):
    /// <list type="bullet">
    /// <item>the AppHost's environment (<c>--environment Production</c>, as the load runs start it:
    /// no developer exception page, no DI scope checks), which the services would otherwise take
    /// from the AppHost's launch profile (always Development);</item>
    /// <item><c>Telemetry:TraceSampleRatio</c> (0 to 1; every trace when unset): under heavy load,
    /// exporting every trace to the dashboard costs more than serving.</item>
    /// </list>
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRunSettings(this IResourceBuilder<ProjectResource> project, IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return project;
        }

        var environment = builder.Environment.EnvironmentName;
        project.WithEnvironment("ASPNETCORE_ENVIRONMENT", environment).WithEnvironment("DOTNET_ENVIRONMENT", environment);
        return builder.Configuration["Telemetry:TraceSampleRatio"] is { Length: > 0 } ratio
            ? project.WithEnvironment("Telemetry__TraceSampleRatio", ratio)
            : project;
    }
}
