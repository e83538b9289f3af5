using System.ComponentModel.DataAnnotations;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The keys of forwarded identities: only the gateway holds the private <see cref="SigningKey"/>;
/// every service holds just the public <see cref="VerificationKey"/>, so a compromised service
/// (one that parses webhook payloads, say) still cannot speak for anyone.
/// </summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>PEM public key (ECDSA P-256) that verifies forwarded identities.</summary>
    [Required(ErrorMessage = "Identity:VerificationKey (a PEM public key) is required.")]
    public string VerificationKey { get; set; } = "";

    /// <summary>PEM private key (ECDSA P-256) that signs them: the gateway's alone.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a forwarded identity stays valid: long enough for one request and its calls.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(1);
}
