using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Identity;

/// <summary>The private half of the identity key pair: only the gateway holds it.</summary>
public sealed class IdentitySigningOptions
{
    public const string SectionName = "Identity";

    /// <summary>PEM private key (ECDSA P-256) that signs forwarded identities.</summary>
    [Required(ErrorMessage = "Identity:SigningKey (a PEM private key) is required.")]
    [RegularExpression(@"(?s).*-----BEGIN PRIVATE KEY-----.*", ErrorMessage = "Identity:SigningKey must be a PEM private key.")]
    public string SigningKey { get; set; } = "";

    /// <summary>How long a forwarded identity stays valid: long enough for one request and its calls.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Signs the caller the gateway verified, in the <see cref="ForwardedIdentity"/> format services check.</summary>
public sealed class IdentitySigner : IDisposable
{
    private readonly ECDsa key = ECDsa.Create();
    private readonly TimeSpan lifetime;
    private readonly TimeProvider time;

    public IdentitySigner(IOptions<IdentitySigningOptions> options, TimeProvider time)
    {
        this.time = time;
        lifetime = options.Value.Lifetime;
        key.ImportFromPem(options.Value.SigningKey);
    }

    public string Sign(CallerIdentity caller, IdentityBinding binding)
    {
        var payload = ForwardedIdentity.Payload(caller, binding, time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds());
        return ForwardedIdentity.Assemble(payload, key.SignData(ForwardedIdentity.SignedBytes(payload), HashAlgorithmName.SHA256));
    }

    public void Dispose() => key.Dispose();
}
