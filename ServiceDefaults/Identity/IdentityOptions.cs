using System.ComponentModel.DataAnnotations;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// This service's own identity key: it checks the tags the gateway made for this service and no
/// other, so a compromised service (one that parses webhook payloads, say) still cannot speak for
/// anyone to the others.
/// </summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>Base64 of at least 32 random bytes, the same as this service's entry in the gateway's <c>Identity:Audiences</c>.</summary>
    [Required(ErrorMessage = "Identity:Key (this service's identity key) is required.")]
    [IdentityKey(ErrorMessage = "Identity:Key must be base64 of at least 32 bytes, padding included.")]
    public string Key { get; set; } = "";

    /// <summary>This service's name as the gateway's identities address it (its cluster name): set in code.</summary>
    public string Audience { get; set; } = "";
}
