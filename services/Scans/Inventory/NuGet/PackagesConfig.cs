using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.NuGet;

/// <summary>
/// Components of an old-style <c>packages.config</c>: every package installed into the project,
/// each at an exact version, <c>developmentDependency="true"</c> marking build-time ones. The
/// file lists the packages the project's packages need beside those it asked for, without saying
/// which is which, so none is marked direct, and there is no graph.
/// </summary>
public static class PackagesConfig
{
    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content)
    {
        var warnings = new List<string>();
        var document = XmlFile.Load(file, content, warnings);
        var components = document is null
            ? []
            : document.ElementsNamed("package")
                .Select(p => (Element: p, Id: p.Attribute("id")?.Value, Version: p.Attribute("version")?.Value))
                .Where(p => !string.IsNullOrWhiteSpace(p.Id))
                .Select(p =>
                {
                    var purl = PackageUrl.NuGet(p.Id!.Trim(), p.Version?.Trim());
                    return new InventoryComponent(purl.ToString(), purl, purl.Name, purl.Version, DeclaredRange: null, Direct: false,
                        Development: string.Equals(p.Element.Attribute("developmentDependency")?.Value, "true", StringComparison.OrdinalIgnoreCase),
                        new Evidence(file, p.Element.Line()), []);
                })
                .ToList();
        return new InventoryResult(components, warnings);
    }
}
