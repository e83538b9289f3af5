using System.Text.RegularExpressions;

namespace TrustedOss.Scans.Inventory.PyPi;

/// <summary>One dependency specifier (PEP 508): <c>name[extra1,extra2] &gt;=1.0,&lt;2 ; python_version &lt; "3.11"</c> or <c>name @ https://…</c>.</summary>
public sealed record Requirement(string Name, IReadOnlyList<string> Extras, string Specifier, string? Url, string? Markers)
{
    /// <summary>The exact version the specifier pins (<c>==1.2.3</c>, <c>===1.2.3</c>); null for a range or a wildcard.</summary>
    public string? PinnedVersion => Pep508.Pinned(Specifier);
}

/// <summary>
/// Reads PEP 508 dependency specifiers, hand-written: no maintained .NET reader exists, and the
/// grammar's parts needed here (name, extras, version specifiers, URL, markers kept as text) are
/// small. PyPI names are compared normalised (PEP 503: lower case, runs of <c>-_.</c> as one <c>-</c>).
/// </summary>
public static partial class Pep508
{
    public static Requirement? Parse(string text)
    {
        var (body, markers) = SplitMarkers(text.Trim());
        var match = Shape().Match(body);
        if (!match.Success)
        {
            return null;
        }

        var extras = match.Groups["extras"].Success
            ? match.Groups["extras"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        var rest = match.Groups["rest"].Value.Trim();
        if (rest.StartsWith('@'))
        {
            return new Requirement(match.Groups["name"].Value, extras, "", rest[1..].Trim(), markers);
        }

        // "(>=1.0)" is an older spelling; spaces around operators and commas mean nothing, inside a version they end it.
        var specifier = AroundOperators().Replace(rest.Trim('(', ')').Trim(), "$1");
        return specifier.Length == 0 || SpecifierShape().IsMatch(specifier)
            ? new Requirement(match.Groups["name"].Value, extras, specifier, null, markers)
            : null;
    }

    /// <summary>
    /// A component for a declared dependency: the version when the specifier pins one, else the
    /// specifier as its declared range.
    /// </summary>
    public static InventoryComponent Declared(string name, string specifier, bool direct, bool development, Evidence evidence)
    {
        var purl = PackageUrl.PyPi(name, Pinned(specifier));
        return new InventoryComponent(purl.ToString(), purl, purl.Name, purl.Version,
            DeclaredRange: purl.Version is null && specifier.Length > 0 ? specifier : null, direct, development, evidence, []);
    }

    /// <summary>PEP 503's normal form of a name.</summary>
    public static string Normalize(string name) => Separators().Replace(name.Trim(), "-").ToLowerInvariant();

    internal static string? Pinned(string specifier) =>
        specifier.StartsWith("===", StringComparison.Ordinal) && !specifier.Contains(',', StringComparison.Ordinal) ? specifier[3..]
        : specifier.StartsWith("==", StringComparison.Ordinal) && !specifier.Contains(',', StringComparison.Ordinal) && !specifier.Contains('*', StringComparison.Ordinal) ? specifier[2..]
        : null;

    /// <summary>The specifier before the environment marker, and the marker; a <c>;</c> inside a URL is not a marker's start.</summary>
    private static (string Body, string? Markers) SplitMarkers(string text)
    {
        var at = text.Contains('@', StringComparison.Ordinal) ? text.IndexOf(" ;", StringComparison.Ordinal) : text.IndexOf(';', StringComparison.Ordinal);
        return at < 0 ? (text, null) : (text[..at].Trim(), text[(at + (text[at] == ' ' ? 2 : 1))..].Trim());
    }

    // NonBacktracking: linear time, whatever a hostile file writes.
    [GeneratedRegex(@"^(?<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[(?<extras>[^\]]*)\])?\s*(?<rest>.*)$", RegexOptions.NonBacktracking | RegexOptions.Singleline)]
    private static partial Regex Shape();

    [GeneratedRegex(@"^(?:(?:~=|===|==|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+)(?:,(?:~=|===|==|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+)*,?$", RegexOptions.NonBacktracking)]
    private static partial Regex SpecifierShape();

    [GeneratedRegex(@"\s*(,|~=|===|==|!=|<=|>=|<|>)\s*", RegexOptions.NonBacktracking)]
    private static partial Regex AroundOperators();

    [GeneratedRegex("[-_.]+", RegexOptions.NonBacktracking)]
    private static partial Regex Separators();
}
