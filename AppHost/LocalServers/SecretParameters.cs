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
    /// The key pair of forwarded identities: the private half for the gateway, the public half for
    /// every service. Generated once per data folder in run mode; parameters in the manifest.
    /// </summary>
    public static (IResourceBuilder<ParameterResource> Signing, IResourceBuilder<ParameterResource> Verification) AddIdentityKeyPair(
        this IDistributedApplicationBuilder builder, LocalServerFiles? files)
    {
        if (files is null)
        {
            return (builder.AddParameter("identity-signing-key", secret: true), builder.AddParameter("identity-verification-key"));
        }

        var privatePem = files.Secret("identity-signing-key.pem", () =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return key.ExportPkcs8PrivateKeyPem();
        });
        using var pair = ECDsa.Create();
        pair.ImportFromPem(privatePem);
        return (builder.AddParameter("identity-signing-key", privatePem, secret: true),
            builder.AddParameter("identity-verification-key", pair.ExportSubjectPublicKeyInfoPem()));
    }
}
