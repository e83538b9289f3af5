using System.ComponentModel.DataAnnotations;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>The key the gateway signs forwarded identities with; every service verifies with it.</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    [Required]
    [MinLength(32, ErrorMessage = "Identity:SigningKey must be at least 32 characters.")]
    public string SigningKey { get; set; } = "";

    /// <summary>How long a forwarded identity stays valid: long enough for one request and its calls.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(1);
}
