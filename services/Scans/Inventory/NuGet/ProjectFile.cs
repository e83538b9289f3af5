using System.Xml.Linq;
using NuGet.Versioning;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.NuGet;

/// <summary>
/// Components of an SDK-style project without a lock file: its <c>PackageReference</c> items and
/// those of the <c>Directory.Build.props</c> files above it, plus central management's global
/// references, evaluated for each target framework the project names, each item only where its
/// condition holds. A version is, in order, the item's <c>VersionOverride</c>, its
/// <c>Version</c>, or the central <c>PackageVersion</c>, with MSBuild properties expanded; it is
/// recorded as the declared range, and as the version too where NuGet's choice is certain (a
/// plain or exact version: NuGet takes the lowest version a range allows). All are direct; those
/// with <c>PrivateAssets="all"</c> (analyzers, build tools) and global ones are development-only.
/// Ranges are read with NuGet.Versioning; MSBuild itself (which needs the SDK) is not run.
/// </summary>
public static class ProjectFile
{
    public static InventoryResult Read(string path, ManifestFiles files, CentralVersions central)
    {
        var warnings = new List<string>();
        if (MsBuildProperties.Load(files, path, warnings) is not { } project)
        {
            return new InventoryResult([], warnings);
        }

        var folder = ManifestFiles.FolderOf(path);
        var buildProps = BuildPropsChain(files, folder, warnings);
        var projectProperties = MsBuildProperties.Of(project);
        var builtIn = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["MSBuildProjectName"] = Path.GetFileNameWithoutExtension(ManifestFiles.FileName(path)),
        };
        var baseProperties = new MsBuildProperties(
            [builtIn, projectProperties, central.PropertiesFor(folder), .. buildProps.Select(p => MsBuildProperties.Of(p.Document))]);

        var components = new List<InventoryComponent>();
        var allReferences = References(path, project).Concat(buildProps.SelectMany(p => References(p.Path, p.Document))).ToList();
        foreach (var framework in Frameworks(baseProperties))
        {
            var properties = baseProperties.With(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["TargetFramework"] = framework });
            var centralPackages = central.For(folder, properties);
            foreach (var (name, item, file) in allReferences.Where(r => CentralVersions.Applies(r.Item, properties)))
            {
                var written = item.AttributeOrChild("VersionOverride") ?? item.AttributeOrChild("Version")
                    ?? centralPackages.Versions.GetValueOrDefault(name)?.Version;
                var development = item.AttributeOrChild("PrivateAssets")?.Contains("all", StringComparison.OrdinalIgnoreCase) == true;
                components.Add(Component(name, written, development, new Evidence(file, item.Line()), properties, warnings));
            }

            foreach (var (name, version) in centralPackages.Global)
            {
                components.Add(Component(name, version.Version, development: true, version.Evidence, properties, warnings));
            }
        }

        warnings.AddRange(central.Warnings.Distinct(StringComparer.Ordinal));
        return new InventoryResult([.. components.DistinctBy(c => (c.Id, c.DeclaredRange, c.Evidence))], [.. warnings.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>More than any real project targets; a file naming more is evaluated for these.</summary>
    private const int MaxFrameworks = 32;

    /// <summary>The frameworks the project builds for (<c>TargetFrameworks</c> or <c>TargetFramework</c>); one unnamed one when it names none.</summary>
    private static string[] Frameworks(MsBuildProperties properties)
    {
        var written = properties.ExpandOrEmpty("$(TargetFrameworks)") is { Length: > 0 } several ? several : properties.ExpandOrEmpty("$(TargetFramework)");
        var frameworks = written.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxFrameworks).ToArray();
        return frameworks.Length > 0 ? frameworks : [""];
    }

    /// <summary>The nearest <c>Directory.Build.props</c> and those it imports above it (<c>../Directory.Build.props</c>, <c>GetPathOfFileAbove</c>).</summary>
    private static List<(string Path, XDocument Document)> BuildPropsChain(ManifestFiles files, string folder, List<string> warnings)
    {
        var chain = new List<(string, XDocument)>();
        var path = MsBuildProperties.NearestBuildProps(files, folder);
        while (path is not null && chain.Count < 16 && MsBuildProperties.Load(files, path, warnings) is { } document)
        {
            chain.Add((path, document));
            var above = ManifestFiles.FolderOf(path);
            path = above.Length > 0 && document.ElementsNamed("Import").Any(i => i.Attribute("Project")?.Value.Contains(MsBuildProperties.BuildProps, StringComparison.OrdinalIgnoreCase) == true)
                ? MsBuildProperties.NearestBuildProps(files, ManifestFiles.FolderOf(above))
                : null;
        }

        return chain;
    }

    /// <summary>A file's package references: each name an <c>Include</c> lists (<c>Update</c> and <c>Remove</c> change items, they add none).</summary>
    private static IEnumerable<(string Name, XElement Item, string File)> References(string file, XDocument document) =>
        document.ElementsNamed("PackageReference")
            .Where(item => item.Parent?.Name.LocalName != "ItemDefinitionGroup")
            .SelectMany(item => (item.Attribute("Include")?.Value ?? "")
                .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(name => !name.Contains("$(", StringComparison.Ordinal))
                .Select(name => (name, item, file)));

    private static InventoryComponent Component(string name, string? written, bool development, Evidence evidence, MsBuildProperties properties, List<string> warnings)
    {
        var range = written is null ? null : properties.Expand(written.Trim());
        if (written is not null && range is null)
        {
            warnings.Add($"{evidence.File}:{evidence.Line}: {name}'s version {written} uses a property the scan could not find; listed without a version");
        }

        var version = range is not null ? CertainVersion(range) : null;
        var purl = PackageUrl.NuGet(name, version);
        return new InventoryComponent(purl.ToString(), purl, name, version, range, Direct: true, development, evidence, []);
    }

    /// <summary>The version NuGet is sure to take for a range: a plain <c>1.2.3</c> (at least 1.2.3, and NuGet takes the lowest) or an exact <c>[1.2.3]</c>.</summary>
    public static string? CertainVersion(string range)
    {
        if (NuGetVersion.TryParse(range, out var plain))
        {
            return plain.ToNormalizedString();
        }

        return VersionRange.TryParse(range, allowFloating: true, out var parsed) && !parsed.IsFloating
            && parsed is { HasLowerAndUpperBounds: true, IsMinInclusive: true, IsMaxInclusive: true } && parsed.MinVersion == parsed.MaxVersion
            ? parsed.MinVersion!.ToNormalizedString()
            : null;
    }
}
