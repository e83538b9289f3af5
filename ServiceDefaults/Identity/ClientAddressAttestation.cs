using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The gateway's word for a browser's address, good for a minute. The gateway puts it on each
/// request it passes to the web page; the page copies it onto the API calls it makes for that
/// request, and the gateway, seeing its own tag, takes the browser's address as the caller's: so
/// per-address limits (sign-in attempts) count each person's browser, not the web page's server.
/// Tagged with the web page's identity key, which only the gateway holds. A client cannot make one,
/// and one taken from the page only ever names the address it was made for.
/// </summary>
public static class ClientAddressAttestation
{
    public const string HeaderName = "X-TrustedOss-Client-Address";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>How far another gateway replica's clock may be ahead.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    public static string Create(IPAddress address, DateTimeOffset now, byte[] key)
    {
        var (text, seconds) = (address.ToString(), now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return $"{text};{seconds};{Base64Url.EncodeToString(KeyedHmac.Compute(key, Encoding.ASCII.GetBytes(Payload(text, seconds))))}";
    }

    /// <summary>The address the value vouches for, when it carries the key's tag and is fresh; else null.</summary>
    public static IPAddress? Verify(string? value, DateTimeOffset now, byte[] key)
    {
        if (value?.Split(';') is not [var address, var seconds, var tag]
            || !IPAddress.TryParse(address, out var parsed)
            || !long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var madeAt)
            || !Base64Url.IsValid(tag))
        {
            return null;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Min(madeAt, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        var expected = KeyedHmac.Compute(key, Encoding.ASCII.GetBytes(Payload(address, seconds)));
        return age <= Lifetime && age >= -ClockSkew && CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(tag))
            ? parsed
            : null;
    }

    private static string Payload(string address, string seconds) => $"client-address;{address};{seconds}";
}
