using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace TrustedOss.Credentials.ApiKeys;

/// <summary>
/// The server-side secret ("pepper") of API-key hashes. A key is 128 random bits, so a fast keyed
/// hash (HMAC-SHA256) is enough: a slow password hash would only cost every CI request time.
/// Shared by the Keys service (which stores hashes) and the gateway (which checks keys).
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    [Required]
    [MinLength(32, ErrorMessage = "ApiKeys:Pepper must be at least 32 characters.")]
    public string Pepper { get; set; } = "";

    public byte[] Hash(string key) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(Pepper), Encoding.ASCII.GetBytes(key));
}
