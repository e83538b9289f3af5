using System.ComponentModel.DataAnnotations;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>A service's identity key as configured: base64 of at least 32 random bytes.</summary>
public static class IdentityKey
{
    public const int MinBytes = 32;

    public static byte[] Decode(string configured) =>
        TryDecode(configured) ?? throw new FormatException($"An identity key must be base64 of at least {MinBytes} bytes.");

    /// <summary>The key's bytes, or null when it is not base64 (padding included) of at least <see cref="MinBytes"/> bytes.</summary>
    public static byte[]? TryDecode(string? configured)
    {
        if (string.IsNullOrEmpty(configured))
        {
            return null;
        }

        var key = new byte[configured.Length];
        return Convert.TryFromBase64String(configured, key, out var length) && length >= MinBytes ? key[..length] : null;
    }

    public static string New() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(MinBytes));
}

/// <summary>
/// Checks at start what <see cref="IdentityKey.Decode"/> will read on the first request: a key
/// that only looks like base64 (its padding trimmed by a secrets tool) would otherwise let the
/// service start healthy and answer every caller 500.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IdentityKeyAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is null || (value is string key && IdentityKey.TryDecode(key) is not null);
}
