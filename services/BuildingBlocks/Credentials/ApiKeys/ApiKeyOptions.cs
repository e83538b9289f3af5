using System.ComponentModel.DataAnnotations;
using System.Text;
using TrustedOss.ServiceDefaults.Identity;

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

    /// <summary>The pepper's bytes, kept with the text they were made from (one reference, so read whole).</summary>
    private Encoded? pepper;

    /// <summary>HMAC-SHA256 of the key under the pepper; the gateway computes one for every keyed request.</summary>
    public byte[] Hash(string key) => KeyedHmac.Compute(PepperBytes(), Encoding.ASCII.GetBytes(key));

    private byte[] PepperBytes()
    {
        var text = Pepper;
        var encoded = pepper;
        if (encoded is null || !ReferenceEquals(encoded.Text, text))
        {
            pepper = encoded = new Encoded(text, Encoding.UTF8.GetBytes(text));
        }

        return encoded.Bytes;
    }

    private sealed record Encoded(string Text, byte[] Bytes);
}
