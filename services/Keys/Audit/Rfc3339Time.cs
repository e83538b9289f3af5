using System.Globalization;
using System.Text.RegularExpressions;

namespace TrustedOss.Keys.Audit;

/// <summary>
/// An RFC 3339 date-time as any client writes one: "T" and "Z" in either case, a fraction of any
/// length (Go's and Java's defaults write nine digits), a "Z" or a numeric offset. .NET's own
/// formats take at most seven fraction digits and only capitals, so the parts are read here and
/// the fraction kept to the 100 ns a <see cref="DateTime"/> holds (PostgreSQL keeps microseconds).
/// </summary>
internal static partial class Rfc3339Time
{
    public static bool TryParse(string raw, out DateTime utc)
    {
        utc = default;
        if (Parts().Match(raw) is not { Success: true } match)
        {
            return false;
        }

        var fraction = match.Groups["fraction"].Value;
        var offset = match.Groups["offset"].Value.ToUpperInvariant();
        var normalized = $"{match.Groups["date"].Value}T{match.Groups["time"].Value}.{fraction[..Math.Min(fraction.Length, 7)].PadRight(7, '0')}{offset}";
        if (!DateTimeOffset.TryParseExact(normalized, ["yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        utc = parsed.UtcDateTime;
        return true;
    }

    [GeneratedRegex(@"^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.(?<fraction>[0-9]+))?(?<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex Parts();
}
