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

    /// <summary>The claims part: the caller, what the assertion is bound to, and when it expires (Unix seconds).</summary>
    public static string Payload(CallerIdentity caller, IdentityBinding binding, long expiresUnixSeconds) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Claims(caller, binding, expiresUnixSeconds), IdentityJson.Default.Claims));

    /// <summary>The tag of <paramref name="payload"/> under one service's identity key.</summary>
    public static byte[] Tag(byte[] serviceKey, string payload) => HMACSHA256.HashData(serviceKey, Encoding.ASCII.GetBytes($"{Version}.{payload}"));

    public static string Assemble(string payload, IEnumerable<byte[]> tags) => $"{Version}.{payload}.{string.Join('.', tags.Select(t => Base64Url.EncodeToString(t)))}";

    /// <summary>Splits a header value into its claims and tags; false when it is not shaped like one.</summary>
    public static bool TrySplit(string? value, out string payload, out byte[][] tags)
    {
        payload = "";
        tags = [];
        var parts = value?.Split('.');
        if (parts is not [Version, { Length: > 0 } claims, ..] || parts.Length - 2 is < 1 or > MaxTags)
        {
            return false;
        }

        try
        {
            tags = [.. parts.Skip(2).Select(t => Base64Url.DecodeFromChars(t))];
            payload = claims;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Whether one of <paramref name="tags"/> is this service's tag of <paramref name="payload"/> (compared in constant time).</summary>
    public static bool IsTagged(byte[] serviceKey, string payload, byte[][] tags)
    {
        var expected = Tag(serviceKey, payload);
        var found = false;
        foreach (var tag in tags)
        {
            found |= CryptographicOperations.FixedTimeEquals(expected, tag);
        }

        return found;
    }

    /// <summary>The identity in a payload whose tag verified, or null when expired or unreadable.</summary>
    public static VerifiedIdentity? Read(string payload, DateTimeOffset now)
    {
        try
        {
            var claims = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(payload), IdentityJson.Default.Claims);
            return claims is { Caller: not null, Binding: not null } && claims.Expires > now.ToUnixTimeSeconds()
                ? new VerifiedIdentity(claims.Caller, claims.Binding)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}

internal sealed record Claims(CallerIdentity? Caller, IdentityBinding? Binding, long Expires);

/// <summary>The claims' JSON, generated at build time: every request reads one and forwards one.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Claims))]
internal sealed partial class IdentityJson : JsonSerializerContext;
