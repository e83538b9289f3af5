using Tomlyn.Model;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.PyPi;

/// <summary>
/// Components of a Poetry <c>poetry.lock</c> (lock versions 1 and 2), read with Tomlyn: each
/// <c>[[package]]</c> with its exact version and the names it depends on. Development: lock 1.x
/// says so in <c>category</c>, lock 2.1 in <c>groups</c>; lock 2.0 says neither, and then a
/// package no runtime dependency of the <c>pyproject.toml</c> beside it reaches is a development
/// one. That file also says which are direct.
/// </summary>
public static class PoetryLock
{
    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content, IReadOnlyList<DeclaredDependency> declared) =>
        TomlFile.Read(file, content, toml =>
        {
            var packages = toml.Root.Tables("package")
                .Where(p => p.Text("name") is not null && p.Text("version") is not null)
                .Select(p => new Locked(p, p.Text("name")!, Pep508.Normalize(p.Text("name")!), p.Text("version")!))
                .ToList();
            var byName = packages.ToLookup(p => p.Key, StringComparer.Ordinal);
            IEnumerable<Locked> DependenciesOf(Locked package) =>
                (package.Table.Table("dependencies") ?? []).SelectMany(d => byName[Pep508.Normalize(d.Key)]);

            var directNames = declared.Select(d => d.NormalizedName).ToHashSet(StringComparer.Ordinal);
            var runtime = DependencyGraph.Reachable(
                declared.Where(d => !d.Development).SelectMany(d => byName[d.NormalizedName]), DependenciesOf);
            return new InventoryResult([.. packages.Select(p =>
            {
                var purl = PackageUrl.PyPi(p.Name, p.Version);
                return new InventoryComponent(purl.ToString(), purl, purl.Name, p.Version, DeclaredRange: null,
                    Direct: directNames.Contains(p.Key),
                    Development: IsDevelopment(p.Table) ?? (declared.Count > 0 && !runtime.Contains(p)),
                    new Evidence(file, toml.LineOf(p.Table, "name")),
                    [.. DependenciesOf(p).Where(d => d != p).Select(d => PackageUrl.PyPi(d.Name, d.Version).ToString()).Distinct(StringComparer.Ordinal)]);
            })], []);
        });

    /// <summary>A locked package: its name as written (for its purl), normalised (to match names by), and version.</summary>
    private sealed record Locked(TomlTable Table, string Name, string Key, string Version);

    /// <summary>What the lock itself says: <c>category = "dev"</c> (1.x), <c>groups</c> without <c>main</c> (2.1); null when it says nothing.</summary>
    private static bool? IsDevelopment(TomlTable package) =>
        package.Text("category") is { } category ? category != "main"
        : package.Strings("groups").ToList() is { Count: > 0 } groups ? !groups.Contains("main")
        : null;
}
