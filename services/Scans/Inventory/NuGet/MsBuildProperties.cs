using System.Text.RegularExpressions;
using System.Xml.Linq;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.NuGet;

/// <summary>
/// The MSBuild properties a version may be written with (<c>Version="$(XunitVersion)"</c>): those
/// set in the project, in the <c>Directory.Packages.props</c> and in the nearest
/// <c>Directory.Build.props</c>, the first that sets a name winning. Not MSBuild's evaluation
/// (which no library serves without the SDK on the scanner): conditions are not evaluated, so a
/// property set twice takes its last value, and functions are left unexpanded.
/// </summary>
public sealed partial class MsBuildProperties(IReadOnlyList<IReadOnlyDictionary<string, string>> scopes)
{
    public const string BuildProps = "Directory.Build.props";

    internal static IReadOnlyDictionary<string, string> Of(XDocument document)
    {
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in document.Root?.Elements().Where(e => e.Name.LocalName == "PropertyGroup") ?? [])
        {
            foreach (var property in group.Elements())
            {
                properties[property.Name.LocalName] = property.Value.Trim();
            }
        }

        return properties;
    }

    /// <summary>The value with each <c>$(Name)</c> replaced, several times over for properties made of properties; null if one is left unknown.</summary>
    public string? Expand(string value)
    {
        for (var round = 0; round < 8 && value.Contains("$(", StringComparison.Ordinal); round++)
        {
            value = Reference().Replace(value, m => Lookup(m.Groups[1].Value) ?? m.Value);
            if (value.Length > MaxLength)
            {
                return null;
            }
        }

        return value.Contains("$(", StringComparison.Ordinal) ? null : value;
    }

    /// <summary>Longer than any real version or condition: a property made of itself many times over stops here, not at the memory's end.</summary>
    private const int MaxLength = 64 * 1024;

    /// <summary>Whether a value refers to one of <paramref name="names"/> that no scope sets.</summary>
    public bool MentionsUnknown(string value, IReadOnlySet<string> names) =>
        Reference().Matches(value).Any(m => names.Contains(m.Groups[1].Value) && Lookup(m.Groups[1].Value) is null);

    /// <summary>The value with each <c>$(Name)</c> replaced, an unknown one by nothing (MSBuild's own rule, for conditions).</summary>
    public string ExpandOrEmpty(string value)
    {
        for (var round = 0; round < 8 && value.Contains("$(", StringComparison.Ordinal); round++)
        {
            value = Reference().Replace(value, m => Lookup(m.Groups[1].Value) ?? "");
            if (value.Length > MaxLength)
            {
                return "";
            }
        }

        return value;
    }

    /// <summary>The same properties, with some set first (the project's name, the framework being evaluated).</summary>
    internal MsBuildProperties With(IReadOnlyDictionary<string, string> first) => new([first, .. scopes]);

    private string? Lookup(string name) =>
        scopes.Select(s => s.TryGetValue(name, out var value) ? value : null).FirstOrDefault(v => v is not null);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex Reference();

    /// <summary>The nearest <c>Directory.Build.props</c> at or above a folder, as MSBuild imports it.</summary>
    public static string? NearestBuildProps(ManifestFiles files, string folder) =>
        ManifestFiles.FolderAndAncestors(folder).Select(f => ManifestFiles.Join(f, BuildProps)).FirstOrDefault(files.Contains);

    internal static XDocument? Load(ManifestFiles files, string? path, List<string> warnings) =>
        path is not null && files.TryRead(path, out var content) ? XmlFile.Load(path, content, warnings) : null;
}
