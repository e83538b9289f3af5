using System.Security.Cryptography;
using System.Text;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// GitHub's <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>: HMAC-SHA256 of the raw body with the
/// webhook secret, compared in constant time.
/// </summary>
public static class GitHubSignature
{
    private const string Prefix = "sha256=";

    public static bool Verifies(string secret, byte[] body, string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64)
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), presented);
    }

    /// <summary>The header value GitHub sends for <paramref name="body"/> (for tests and load runs).</summary>
    public static string Sign(string secret, byte[] body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
