using Microsoft.Extensions.Options;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>Checks the gateway's forwarded identities with this service's own identity key.</summary>
public sealed class IdentityVerifier(IOptions<IdentityOptions> options, TimeProvider time)
{
    private readonly byte[] key = IdentityKey.Decode(options.Value.Key);

    /// <summary>The caller and its binding, or null when the value is malformed, forged, altered or expired.</summary>
    public VerifiedIdentity? Verify(string? value) => ForwardedIdentity.Verify(value, key, time.GetUtcNow());
}
