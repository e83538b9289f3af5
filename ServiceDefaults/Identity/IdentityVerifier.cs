using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>Checks the gateway's forwarded identities with its public key (services cannot sign).</summary>
public sealed class IdentityVerifier : IDisposable
{
    private readonly ECDsa key = ECDsa.Create();
    private readonly TimeProvider time;

    public IdentityVerifier(IOptions<IdentityOptions> options, TimeProvider time)
    {
        this.time = time;
        key.ImportFromPem(options.Value.VerificationKey);
    }

    /// <summary>The caller and its binding, or null when the value is malformed, forged, altered or expired.</summary>
    public VerifiedIdentity? Verify(string? value) =>
        ForwardedIdentity.TrySplit(value, out var payload, out var signature)
        && key.VerifyData(ForwardedIdentity.SignedBytes(payload), signature, HashAlgorithmName.SHA256)
            ? ForwardedIdentity.Read(payload, time.GetUtcNow())
            : null;

    public void Dispose() => key.Dispose();
}
