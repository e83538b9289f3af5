namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>A service's identity key as configured: base64 of at least 32 random bytes.</summary>
public static class IdentityKey
{
    public const int MinBytes = 32;

    /// <summary>The pattern options validate against: base64 of at least <see cref="MinBytes"/> bytes (44 characters).</summary>
    public const string Pattern = "^[A-Za-z0-9+/]{43,}={0,2}$";

    public static byte[] Decode(string configured)
    {
        var key = Convert.FromBase64String(configured);
        return key.Length >= MinBytes ? key : throw new FormatException($"An identity key must hold at least {MinBytes} bytes.");
    }

    public static string New() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(MinBytes));
}
