using Tomlyn.Model;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.PyPi;

/// <summary>
/// Components of a uv <c>uv.lock</c>, read with Tomlyn. The project itself (and each workspace
/// member) is a package whose <c>source</c> is <c>editable</c> or <c>virtual</c>: not a component,
/// but its <c>dependencies</c> and <c>optional-dependencies</c> are the direct runtime ones and its
/// <c>dev-dependencies</c> the direct development ones. A name locked at several versions (for
/// different markers) is told apart by the <c>version</c> a dependency names; a dependency with
/// <c>extra</c> brings that extra's dependencies too. A package the project's own dependencies do
/// not reach is an optional one (CycloneDX's scope): brought by a development group or by one of
/// the project's extras.
/// </summary>
public static class UvLock
{
    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content) =>
        TomlFile.Read(file, content, toml =>
        {
            var packages = toml.Root.Tables("package")
                .Where(p => p.Text("name") is not null)
                .Select(p => new Locked(p, p.Text("name")!, Pep508.Normalize(p.Text("name")!), p.Text("version"),
                    p.Table("source") is { } source && (source.ContainsKey("editable") || source.ContainsKey("virtual"))))
                .ToList();
            var byName = packages.ToLookup(p => p.Key, StringComparer.Ordinal);

            IEnumerable<Locked> Targets(TomlTable dependency)
            {
                var candidates = byName[Pep508.Normalize(dependency.Text("name") ?? "")];
                var version = dependency.Text("version");
                return version is null ? candidates : candidates.Where(c => c.Version == version);
            }

            // The graph's nodes are a package, or one of its extras: "fastapi[standard]" brings fastapi and what its extra lists.
            IEnumerable<(Locked Package, string? Extra)> Nodes(IEnumerable<TomlTable> dependencies) =>
                dependencies.SelectMany(d => Targets(d).SelectMany(target =>
                    d.Strings("extra").Select(extra => (target, (string?)extra)).Prepend((target, null))));

            IEnumerable<(Locked, string?)> Edges((Locked Package, string? Extra) node) =>
                Nodes(node.Extra is null ? node.Package.Table.Tables("dependencies") : node.Package.Table.Table("optional-dependencies").Tables(node.Extra));

            IEnumerable<Locked> DependenciesOf(Locked package) => Nodes(package.Table.Tables("dependencies")).Select(n => n.Package);

            var projects = packages.Where(p => p.IsProject).ToList();
            var runtime = DependencyGraph.Reachable(Nodes(projects.SelectMany(p => p.Table.Tables("dependencies"))), Edges)
                .Select(n => n.Item1).ToHashSet();
            var direct = Nodes(projects.SelectMany(p => p.Table.Tables("dependencies")
                .Concat((p.Table.Table("optional-dependencies") ?? []).SelectMany(extra => p.Table.Table("optional-dependencies").Tables(extra.Key)))
                .Concat((p.Table.Table("dev-dependencies") ?? []).SelectMany(group => p.Table.Table("dev-dependencies").Tables(group.Key)))))
                .Select(n => n.Package).ToHashSet();

            return new InventoryResult([.. packages.Where(p => !p.IsProject).Select(p =>
            {
                var purl = PackageUrl.PyPi(p.Name, p.Version);
                return new InventoryComponent(purl.ToString(), purl, purl.Name, p.Version, DeclaredRange: null,
                    Direct: direct.Contains(p),
                    Development: projects.Count > 0 && !runtime.Contains(p),
                    new Evidence(file, toml.LineOf(p.Table, "name")),
                    [.. DependenciesOf(p).Where(d => d != p && !d.IsProject).Select(d => PackageUrl.PyPi(d.Name, d.Version).ToString()).Distinct(StringComparer.Ordinal)]);
            })], []);
        });

    /// <summary>A locked package: its name as written (for its purl), normalised (to match names by), version, and whether it is the project's own.</summary>
    private sealed record Locked(TomlTable Table, string Name, string Key, string? Version, bool IsProject);
}
