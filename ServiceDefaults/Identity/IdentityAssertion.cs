using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The identity the gateway forwards in <see cref="HeaderName"/>: <c>v1.{claims}.{mac}</c>, the
/// claims base64url JSON with an expiry, the MAC an HMAC-SHA256 over them. A made-up or altered
/// header does not verify, so a request sent straight to a service cannot claim to be anyone.
/// </summary>
public sealed class IdentityAssertion(IOptions<IdentityOptions> options, TimeProvider time)
{
    public const string HeaderName = "X-TrustedOss-Identity";
    private const string Version = "v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly byte[] key = Encoding.UTF8.GetBytes(options.Value.SigningKey);

    public string Sign(CallerIdentity caller)
    {
        var claims = new Claims(caller, time.GetUtcNow().Add(options.Value.Lifetime).ToUnixTimeSeconds());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        return $"{Version}.{payload}.{Base64Url(Mac(payload))}";
    }

    /// <summary>The caller, or null when the value is malformed, forged, altered or expired.</summary>
    public CallerIdentity? Verify(string? value)
    {
        var parts = value?.Split('.');
        if (parts is not [Version, var payload, var mac])
        {
            return null;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(FromBase64Url(mac));
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(presented, Mac(payload)))
        {
            return null;
        }

        var claims = JsonSerializer.Deserialize<Claims>(Convert.FromBase64String(FromBase64Url(payload)), Json);
        return claims is not null && claims.Expires > time.GetUtcNow().ToUnixTimeSeconds() ? claims.Caller : null;
    }

    private byte[] Mac(string payload) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
    }

    private sealed record Claims(CallerIdentity Caller, long Expires);
}
