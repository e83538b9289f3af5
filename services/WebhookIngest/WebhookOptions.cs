using System.ComponentModel.DataAnnotations;

namespace TrustedOss.WebhookIngest;

public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";
    public const long MaxAllowedBodyBytes = 25 * 1024 * 1024;

    /// <summary>Largest accepted delivery (CONTRACT §4: default 5 MiB, at most 25 MiB).</summary>
    [Range(1, MaxAllowedBodyBytes)]
    public long MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>What webhook secrets are encrypted with at rest (any text of 32 or more characters; a key is derived from it).</summary>
    [Required(ErrorMessage = "Webhooks:SecretKey is required.")]
    [MinLength(32, ErrorMessage = "Webhooks:SecretKey must be at least 32 characters.")]
    public string SecretKey { get; set; } = "";
}
