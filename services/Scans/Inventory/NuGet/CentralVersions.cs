using System.Xml.Linq;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.NuGet;

/// <summary>One central version: the package's version as written, and where.</summary>
public sealed record CentralVersion(string Version, Evidence Evidence);

/// <summary>What central package management gives one project: each package's version, and the global references.</summary>
public sealed record CentralPackages(IReadOnlyDictionary<string, CentralVersion> Versions, IReadOnlyList<(string Name, CentralVersion Version)> Global);

/// <summary>
/// Central package management: the nearest <c>Directory.Packages.props</c> above a project gives
/// each package's <c>PackageVersion</c> (<c>Update</c> changing an earlier one) and the
/// <c>GlobalPackageReference</c>s every project gets. Imports are followed in order: the props
/// file above (<c>GetPathOfFileAbove</c>) and files named by a path inside the repository, each
/// import and item only where its condition holds for the project.
/// </summary>
public sealed class CentralVersions(ManifestFiles files)
{
    public const string FileName = "Directory.Packages.props";
    private const int MaxImports = 32;

    private readonly Dictionary<string, XDocument?> documents = new(StringComparer.Ordinal);

    /// <summary>The warnings reading the props files gave.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Whether a file may be part of central management (the props file or one it imports by a plain path).</summary>
    public static bool Wants(string fileName) =>
        fileName.StartsWith("Directory.Packages", StringComparison.OrdinalIgnoreCase) && fileName.EndsWith(".props", StringComparison.OrdinalIgnoreCase);

    /// <summary>The nearest props file at or above a folder, null when none.</summary>
    public string? Nearest(string folder) =>
        ManifestFiles.FolderAndAncestors(folder).Select(f => ManifestFiles.Join(f, FileName)).FirstOrDefault(files.Contains);

    /// <summary>The properties the props files a project sees set, whatever their conditions (versions are often written as properties).</summary>
    public IReadOnlyDictionary<string, string> PropertiesFor(string folder)
    {
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, property) in InOrder(Nearest(folder), _ => true).Where(e => e.Element.Parent?.Name.LocalName == "PropertyGroup"))
        {
            properties[property.Name.LocalName] = property.Value.Trim();
        }

        return properties;
    }

    public CentralPackages For(string folder, MsBuildProperties properties)
    {
        var versions = new Dictionary<string, CentralVersion>(StringComparer.OrdinalIgnoreCase);
        var global = new List<(string, CentralVersion)>();
        foreach (var (path, item) in InOrder(Nearest(folder), condition => MsBuildCondition.Holds(condition, properties)))
        {
            var name = (item.Attribute("Include") ?? item.Attribute("Update"))?.Value.Trim();
            var version = item.AttributeOrChild("Version");
            if (item.Name.LocalName is not ("PackageVersion" or "GlobalPackageReference") || string.IsNullOrEmpty(name) || version is null || !Applies(item, properties))
            {
                continue;
            }

            var central = new CentralVersion(version, new Evidence(path, item.Line()));
            if (item.Name.LocalName == "PackageVersion")
            {
                versions[name] = central;
            }
            else
            {
                global.Add((name, central));
            }
        }

        return new CentralPackages(versions, global);
    }

    /// <summary>Whether an item's condition, and its group's, hold.</summary>
    internal static bool Applies(XElement item, MsBuildProperties properties) =>
        MsBuildCondition.Holds(item.Attribute("Condition")?.Value, properties)
        && MsBuildCondition.Holds(item.Parent?.Attribute("Condition")?.Value, properties);

    /// <summary>
    /// The elements inside the groups of a props file, in the order MSBuild reads them: an
    /// import's elements where the import stands (the props file above, or a file inside the
    /// repository named by a plain path), when <paramref name="imports"/> accepts its condition.
    /// </summary>
    private IEnumerable<(string Path, XElement Element)> InOrder(string? path, Func<string?, bool> imports)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<IEnumerator<(string, XElement)>>();
        if (path is not null)
        {
            pending.Push(Elements(path, visited).GetEnumerator());
        }

        while (pending.TryPeek(out var current))
        {
            if (!current.MoveNext())
            {
                pending.Pop().Dispose();
                continue;
            }

            var (file, element) = current.Current;
            if (element.Name.LocalName != "Import")
            {
                yield return (file, element);
                continue;
            }

            var project = element.Attribute("Project")?.Value ?? "";
            var folder = ManifestFiles.FolderOf(file);
            var target = project.Contains("GetPathOfFileAbove", StringComparison.OrdinalIgnoreCase) ? (folder.Length > 0 ? Nearest(ManifestFiles.FolderOf(folder)) : null)
                : project.Contains('$', StringComparison.Ordinal) ? null
                : ManifestFiles.Resolve(folder, project);
            if (target is not null && files.Contains(target) && visited.Count < MaxImports && imports(element.Attribute("Condition")?.Value))
            {
                pending.Push(Elements(target, visited).GetEnumerator());
            }
        }
    }

    /// <summary>A file's imports and the children of its groups, each file read once per walk.</summary>
    private IEnumerable<(string Path, XElement Element)> Elements(string path, HashSet<string> visited) =>
        visited.Add(path) && Document(path)?.Root is { } root
            ? root.Elements().SelectMany(e => e.Name.LocalName == "Import" ? [e] : e.Elements()).Select(e => (path, e))
            : [];

    private XDocument? Document(string path)
    {
        if (!documents.TryGetValue(path, out var document))
        {
            documents[path] = document = MsBuildProperties.Load(files, path, Warnings);
        }

        return document;
    }
}
