using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// The Standard Webhooks signature GitLab sends with a signing token (<c>webhook-id</c>,
/// <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt; …</c>): HMAC-SHA256 over
/// <c>{id}.{timestamp}.{body}</c> with the token's key (<c>whsec_</c> + base64), any one of the
/// space-separated signatures matching in constant time, the timestamp within five minutes of now.
/// Written here rather than taken from the StandardWebhooks package: that one reads the clock
/// itself (no <see cref="TimeProvider"/>) and never checks the last of several signatures, which
/// is exactly the case of a key rotation.
/// </summary>
public static class StandardWebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static bool Verifies(string secret, byte[] body, string? id, string? timestamp, string? signatures, DateTimeOffset now)
    {
        if (id is null || signatures is null || KeyOf(secret) is not { } key
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799))).Duration() > Tolerance)
        {
            return false;
        }

        var expected = Hash(key, id, timestamp!, body);
        var verified = false;
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Every candidate is compared, so the time taken does not depend on which one matched.
            verified |= candidate.StartsWith("v1,", StringComparison.Ordinal) && FixedTimeEquals(expected, candidate[3..]);
        }

        return verified;
    }

    /// <summary>The <c>webhook-signature</c> value for a delivery (for tests and load runs).</summary>
    public static string Sign(string secret, string id, DateTimeOffset timestamp, byte[] body) =>
        "v1," + Convert.ToBase64String(Hash(KeyOf(secret) ?? throw new ArgumentException("Not a whsec_ key.", nameof(secret)), id,
            timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), body));

    private static byte[] Hash(byte[] key, string id, string timestamp, byte[] body)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        return HMACSHA256.HashData(key, signed);
    }

    private static bool FixedTimeEquals(byte[] expected, string presented)
    {
        var decoded = new byte[expected.Length];
        return Convert.TryFromBase64String(presented, decoded, out var written) && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(expected, decoded);
    }

    /// <summary>The HMAC key of a <c>whsec_</c> secret; null for anything else (such a secret cannot sign this way).</summary>
    private static byte[]? KeyOf(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var written) && written > 0 ? buffer[..written] : null;
    }
}
