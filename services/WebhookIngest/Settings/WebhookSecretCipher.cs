using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TrustedOss.WebhookIngest.Settings;

/// <summary>
/// Encrypts webhook secrets at rest with AES-256-GCM. Each value is bound to its project (the
/// project id is the associated data), so a ciphertext copied onto another project's row does not
/// decrypt. Every replica derives the same key from configuration: nothing to share or persist.
/// </summary>
public sealed class WebhookSecretCipher
{
    private const string Version = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] key;

    public WebhookSecretCipher(IOptions<WebhookOptions> options) =>
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.Value.SecretKey), 32, info: "trustedoss webhook secrets"u8.ToArray());

    public string Encrypt(Guid projectId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), projectId.ToByteArray());
        return $"{Version}.{Convert.ToBase64String(sealedBytes)}";
    }

    public string Decrypt(Guid projectId, string stored)
    {
        if (!stored.StartsWith(Version + ".", StringComparison.Ordinal))
        {
            throw new CryptographicException("Unknown webhook secret format.");
        }

        var sealedBytes = Convert.FromBase64String(stored[(Version.Length + 1)..]);
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain,
            projectId.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }
}
