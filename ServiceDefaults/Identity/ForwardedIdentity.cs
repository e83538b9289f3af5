using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The format of the identity the gateway forwards in <see cref="HeaderName"/>:
/// <c>v3.{claims}.{tag}[.{tag}]</c>, the claims base64url JSON with the caller, the
/// <see cref="IdentityBinding"/> (service and request) and an expiry; each tag an HMAC-SHA256 of
/// <c>v3.{claims}</c> under one service's own identity key. The gateway holds every service's key;
/// a service holds only its own, so it can check the tag meant for it but cannot make one any
/// other service would accept, and a request sent straight to a service cannot claim to be anyone.
/// </summary>
public static class ForwardedIdentity
{
    public const string HeaderName = "X-TrustedOss-Identity";
    private const string Version = "v3";

    /// <summary>The most tags a value may carry: its own service's, and the one service that answers on a caller's behalf.</summary>
    private const int MaxTags = 2;

    /// <summary>The signed part's start, <c>v3.</c>.</summary>
    private static ReadOnlySpan<byte> Prefix => "v3."u8;

    /// <summary>The base64url characters of one tag (an HMAC-SHA256).</summary>
    private static readonly int TagLength = Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes);

    /// <summary>The header value for a caller bound to one request, with a tag under each service key.</summary>
    public static string Create(CallerIdentity caller, IdentityBinding binding, long expiresUnixSeconds, ReadOnlySpan<byte[]> serviceKeys) =>
        Tagged(JsonSerializer.SerializeToUtf8Bytes(new Claims(caller, binding, expiresUnixSeconds), IdentityJson.Default.Claims), serviceKeys);

    /// <summary>
    /// <c>v3.{claims}.{tag}…</c> for claims given as JSON. The gateway makes one per request, so the
    /// value is built in one pooled buffer and becomes one string: the claims encoded in place, each
    /// tag computed over the bytes before them.
    /// </summary>
    public static string Tagged(ReadOnlySpan<byte> claimsJson, ReadOnlySpan<byte[]> serviceKeys)
    {
        var signedLength = Prefix.Length + Base64Url.GetEncodedLength(claimsJson.Length);
        var length = signedLength + (serviceKeys.Length * (1 + TagLength));
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var value = buffer.AsSpan(0, length);
            Prefix.CopyTo(value);
            Base64Url.EncodeToUtf8(claimsJson, value[Prefix.Length..signedLength]);
            Span<byte> tag = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var at = signedLength;
            foreach (var key in serviceKeys)
            {
                KeyedHmac.Compute(key, value[..signedLength], tag);
                value[at++] = (byte)'.';
                at += Base64Url.EncodeToUtf8(tag, value[at..]);
            }

            return Encoding.ASCII.GetString(value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The caller and binding of a header value carrying this service's tag, or null when the value
    /// is malformed, forged, altered or expired. Every service checks one per request, so the value
    /// is read in place: the tag computed over its first part, the claims decoded from the rest.
    /// </summary>
    public static VerifiedIdentity? Verify(string? value, byte[] serviceKey, DateTimeOffset now)
    {
        if (value is null || !value.StartsWith(Version + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var payloadLength = value.AsSpan(Prefix.Length).IndexOf('.');
        if (payloadLength <= 0)
        {
            return null;
        }

        var signedLength = Prefix.Length + payloadLength;
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Tag(serviceKey, value.AsSpan(0, signedLength), expected);
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var tags = value.AsSpan(signedLength + 1);
        var count = 0;
        var found = false;
        foreach (var range in tags.Split('.'))
        {
            var tag = tags[range];
            if (++count > MaxTags || !Base64Url.IsValid(tag, out var decodedLength))
            {
                return null;
            }

            // Compared in constant time; a tag of another length cannot be this service's.
            found |= decodedLength == presented.Length
                && Base64Url.DecodeFromChars(tag, presented) == presented.Length
                && CryptographicOperations.FixedTimeEquals(expected, presented);
        }

        return found ? Read(value.AsSpan(Prefix.Length, payloadLength), now) : null;
    }

    /// <summary>The HMAC-SHA256 of a value's signed part (<c>v3.{claims}</c>, ASCII) under one service key.</summary>
    private static void Tag(byte[] serviceKey, ReadOnlySpan<char> signed, Span<byte> tag)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(signed.Length);
        try
        {
            var bytes = buffer.AsSpan(0, Encoding.ASCII.GetBytes(signed, buffer));
            KeyedHmac.Compute(serviceKey, bytes, tag);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The identity in claims whose tag verified, or null when expired or unreadable.</summary>
    private static VerifiedIdentity? Read(ReadOnlySpan<char> payload, DateTimeOffset now)
    {
        // Checked first: decoding throws on characters outside the alphabet rather than failing.
        if (!Base64Url.IsValid(payload, out var decodedLength))
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(decodedLength);
        try
        {
            var written = Base64Url.DecodeFromChars(payload, buffer);
            var claims = JsonSerializer.Deserialize(buffer.AsSpan(0, written), IdentityJson.Default.Claims);
            return claims is { Caller: not null, Binding: not null } && claims.Expires > now.ToUnixTimeSeconds()
                ? new VerifiedIdentity(claims.Caller, claims.Binding)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

internal sealed record Claims(CallerIdentity? Caller, IdentityBinding? Binding, long Expires);

/// <summary>The claims' JSON, generated at build time: every request reads one and forwards one.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Claims))]
internal sealed partial class IdentityJson : JsonSerializerContext;
