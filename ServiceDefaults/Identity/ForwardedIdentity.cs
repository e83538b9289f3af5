using System.Text;
using System.Text.Json;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The format of the identity the gateway forwards in <see cref="HeaderName"/>:
/// <c>v2.{claims}.{signature}</c>, the claims base64url JSON with the caller, the
/// <see cref="IdentityBinding"/> (service and request) and an expiry, the signature ECDSA
/// P-256/SHA-256 over them by the gateway's private key (only the gateway signs; every service
/// verifies with the public key, so a request sent straight to a service cannot claim to be anyone).
/// </summary>
public static class ForwardedIdentity
{
    public const string HeaderName = "X-TrustedOss-Identity";
    private const string Version = "v2";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The signed part: the caller, what the assertion is bound to, and when it expires (Unix seconds).</summary>
    public static string Payload(CallerIdentity caller, IdentityBinding binding, long expiresUnixSeconds) =>
        Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Claims(caller, binding, expiresUnixSeconds), Json));

    /// <summary>The bytes the signature covers.</summary>
    public static byte[] SignedBytes(string payload) => Encoding.ASCII.GetBytes(payload);

    public static string Assemble(string payload, byte[] signature) => $"{Version}.{payload}.{Base64Url(signature)}";

    /// <summary>Splits a header value into its payload and signature; false when it is not shaped like one.</summary>
    public static bool TrySplit(string? value, out string payload, out byte[] signature)
    {
        payload = "";
        signature = [];
        if (value?.Split('.') is not [Version, var claims, var signed])
        {
            return false;
        }

        try
        {
            signature = FromBase64Url(signed);
            payload = claims;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The identity in a payload whose signature verified, or null when expired or unreadable.</summary>
    public static VerifiedIdentity? Read(string payload, DateTimeOffset now)
    {
        try
        {
            var claims = JsonSerializer.Deserialize<Claims>(FromBase64Url(payload), Json);
            return claims is { Caller: not null, Binding: not null } && claims.Expires > now.ToUnixTimeSeconds()
                ? new VerifiedIdentity(claims.Caller, claims.Binding)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    private sealed record Claims(CallerIdentity? Caller, IdentityBinding? Binding, long Expires);
}
