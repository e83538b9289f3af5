using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace TrustedOss.Credentials.ApiKeys;

/// <summary>
/// <c>tos_</c> + 8 lowercase hex + <c>_</c> + 32 lowercase hex (CONTRACT §2). The first part
/// (<c>tos_a1b2c3d4</c>) is the public, unique prefix; the rest is a 128-bit random secret.
/// </summary>
public static partial class ApiKeyFormat
{
    public const int PrefixLength = 12;

    public static string NewKey() =>
        $"tos_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    /// <summary>Splits a well-formed key into its prefix; anything else is refused before any lookup.</summary>
    public static bool TryParse([NotNullWhen(true)] string? key, [NotNullWhen(true)] out string? prefix)
    {
        if (key is not null && KeyPattern().IsMatch(key))
        {
            prefix = key[..PrefixLength];
            return true;
        }

        prefix = null;
        return false;
    }

    /// <summary>True for anything shaped like one of our keys, well-formed or not (vs. a JWT).</summary>
    public static bool LooksLikeKey(string token) => token.StartsWith("tos_", StringComparison.Ordinal);

    // \z, not $: "$" would accept a trailing newline.
    [GeneratedRegex(@"^tos_[0-9a-f]{8}_[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
