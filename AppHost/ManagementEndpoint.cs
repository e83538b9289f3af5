namespace TrustedOss.AppHost;

public static class ManagementEndpoint
{
    public const string Name = "management";

    /// <summary>
    /// A port of its own for health (the process learns it from MANAGEMENT_PORT), where the
    /// orchestrator checks it; never external, so the detailed report stays inside.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithManagementEndpoint(this IResourceBuilder<ProjectResource> project) =>
        project
            .WithHttpEndpoint(name: Name, env: "MANAGEMENT_PORT")
            .WithHttpHealthCheck("/health", endpointName: Name);
}
