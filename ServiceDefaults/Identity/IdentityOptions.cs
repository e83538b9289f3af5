using System.ComponentModel.DataAnnotations;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The public half of the gateway's identity key: every service holds just this, so a compromised
/// service (one that parses webhook payloads, say) still cannot speak for anyone.
/// </summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>PEM public key (ECDSA P-256) that verifies forwarded identities.</summary>
    [Required(ErrorMessage = "Identity:VerificationKey (a PEM public key) is required.")]
    [RegularExpression(@"(?s).*-----BEGIN PUBLIC KEY-----.*", ErrorMessage = "Identity:VerificationKey must be a PEM public key.")]
    public string VerificationKey { get; set; } = "";

    /// <summary>This service's name as the gateway's identities address it (its cluster name): set in code.</summary>
    public string Audience { get; set; } = "";
}
