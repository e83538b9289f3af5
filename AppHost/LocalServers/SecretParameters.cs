using Aspire.Hosting.ApplicationModel;

namespace TrustedOss.AppHost.LocalServers;

public static class SecretParameters
{
    /// <summary>
    /// A secret shared by some services (signing keys, the API-key pepper): generated once per data
    /// folder in run mode, a deployment-supplied parameter in the manifest.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name, LocalServerFiles? files) =>
        files is null
            ? builder.AddParameter(name, secret: true)
            : builder.AddParameter(name, files.Secret(name), secret: true);
}
