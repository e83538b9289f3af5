using System.Security.Cryptography;
using System.Text;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// GitLab's <c>X-Gitlab-Token</c>: the secret itself, sent as is. Compared as SHA-256 digests in
/// constant time, so neither the content nor the length of the secret leaks through timing.
/// </summary>
public static class GitLabToken
{
    public static bool Verifies(string secret, string? token) =>
        token is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
