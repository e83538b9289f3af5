using System.Security.Cryptography;

namespace TrustedOss.WebhookIngest.Settings;

/// <summary>
/// A new webhook secret: <c>whsec_</c> and 32 random bytes in base64, the Standard Webhooks form,
/// which GitHub (any text) and GitLab's secret token (any text) take as well.
/// </summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
