using System.Text;

namespace TrustedOss.Scans.Inventory;

/// <summary>
/// A package URL (github.com/package-url/purl-spec): <c>pkg:type/namespace/name@version</c>, each
/// part percent-encoded, with the per-type rules of the three ecosystems scanned here: an npm
/// scope is the namespace (<c>pkg:npm/%40angular/core@17.0.0</c>); a PyPI name is lower-cased
/// with <c>_</c> as <c>-</c>; a NuGet id keeps its case. Hand-written: no maintained .NET purl
/// library is served to this build, and these few rules are all it needs.
/// </summary>
public sealed record PackageUrl(string Type, string? Namespace, string Name, string? Version)
{
    public static PackageUrl Npm(string packageName, string? version)
    {
        // "@scope/name": the scope (with its @) is the namespace.
        var slash = packageName.StartsWith('@') ? packageName.IndexOf('/', StringComparison.Ordinal) : -1;
        return slash > 0
            ? new PackageUrl("npm", packageName[..slash], packageName[(slash + 1)..], version)
            : new PackageUrl("npm", null, packageName, version);
    }

    public static PackageUrl PyPi(string name, string? version) =>
        new("pypi", null, name.ToLowerInvariant().Replace('_', '-'), version);

    public static PackageUrl NuGet(string id, string? version) => new("nuget", null, id, version);

    public override string ToString()
    {
        var purl = new StringBuilder("pkg:").Append(Type).Append('/');
        if (Namespace is not null)
        {
            purl.Append(string.Join('/', Namespace.Split('/').Select(Encode))).Append('/');
        }

        purl.Append(Encode(Name));
        if (Version is not null)
        {
            purl.Append('@').Append(Encode(Version));
        }

        return purl.ToString();
    }

    /// <summary>Reads a purl of the form this class writes (no qualifiers or subpath); null when it is not one.</summary>
    public static PackageUrl? Parse(string text)
    {
        if (!text.StartsWith("pkg:", StringComparison.Ordinal) || text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
        {
            return null;
        }

        var rest = text[4..];
        var at = rest.LastIndexOf('@');
        var version = at > rest.LastIndexOf('/') ? Uri.UnescapeDataString(rest[(at + 1)..]) : null;
        var path = (at > rest.LastIndexOf('/') ? rest[..at] : rest).Split('/');
        if (path.Length < 2 || path.Any(p => p.Length == 0) || !path[0].All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-'))
        {
            return null;
        }

        var ns = path.Length > 2 ? string.Join('/', path[1..^1].Select(Uri.UnescapeDataString)) : null;
        return new PackageUrl(path[0].ToLowerInvariant(), ns, Uri.UnescapeDataString(path[^1]), version);
    }

    /// <summary>Percent-encodes all but the spec's unreserved characters (so '@' in a scope becomes %40).</summary>
    private static string Encode(string part)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(part))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~')
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
