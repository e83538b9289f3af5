using System.Security.Cryptography;
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

    /// <summary>
    /// A service's identity key (base64 of 32 random bytes): the service checks with it the
    /// identities the gateway forwards it; the gateway, holding every service's, makes them.
    /// Generated once per data folder in run mode; a parameter in the manifest.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddIdentityKey(this IDistributedApplicationBuilder builder, string service, LocalServerFiles? files)
    {
        var name = $"identity-key-{service}";
        return files is null
            ? builder.AddParameter(name, secret: true)
            : builder.AddParameter(name, files.Secret(name, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), secret: true);
    }
}
