using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The identity the gateway forwards in <see cref="HeaderName"/>: <c>v1.{claims}.{signature}</c>,
/// the claims base64url JSON with an expiry, the signature ECDSA P-256/SHA-256 over them by the
/// gateway's private key. A made-up or altered header does not verify, so a request sent straight
/// to a service cannot claim to be anyone, and services, holding only the public key, cannot mint
/// identities either.
/// </summary>
public sealed class IdentityAssertion : IDisposable
{
    public const string HeaderName = "X-TrustedOss-Identity";
    private const string Version = "v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ECDsa verifier = ECDsa.Create();
    private readonly ECDsa? signer;
    private readonly IdentityOptions options;
    private readonly TimeProvider time;

    public IdentityAssertion(IOptions<IdentityOptions> options, TimeProvider time)
    {
        this.options = options.Value;
        this.time = time;
        verifier.ImportFromPem(this.options.VerificationKey);
        if (!string.IsNullOrWhiteSpace(this.options.SigningKey))
        {
            signer = ECDsa.Create();
            signer.ImportFromPem(this.options.SigningKey);
        }
    }

    public string Sign(CallerIdentity caller)
    {
        if (signer is null)
        {
            throw new InvalidOperationException("Only the gateway signs identities (Identity:SigningKey is not set here).");
        }

        var claims = new Claims(caller, time.GetUtcNow().Add(options.Lifetime).ToUnixTimeSeconds());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        var signature = signer.SignData(Encoding.ASCII.GetBytes(payload), HashAlgorithmName.SHA256);
        return $"{Version}.{payload}.{Base64Url(signature)}";
    }

    /// <summary>The caller, or null when the value is malformed, forged, altered or expired.</summary>
    public CallerIdentity? Verify(string? value)
    {
        var parts = value?.Split('.');
        if (parts is not [Version, var payload, var signature])
        {
            return null;
        }

        try
        {
            if (!verifier.VerifyData(Encoding.ASCII.GetBytes(payload), FromBase64Url(signature), HashAlgorithmName.SHA256))
            {
                return null;
            }

            var claims = JsonSerializer.Deserialize<Claims>(FromBase64Url(payload), Json);
            return claims is not null && claims.Expires > time.GetUtcNow().ToUnixTimeSeconds() ? claims.Caller : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        verifier.Dispose();
        signer?.Dispose();
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    private sealed record Claims(CallerIdentity Caller, long Expires);
}
