using System.Text.Json;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.NuGet;

/// <summary>
/// Components of a NuGet <c>packages.lock.json</c> (versions 1 and 2): per target framework,
/// each package's <c>type</c> (<c>Direct</c>, <c>Transitive</c>, <c>CentralTransitive</c>, or the
/// solution's own <c>Project</c>, not a component), its <c>resolved</c> version and the ranges of
/// what it depends on, resolved within the same framework. A package in several frameworks is one
/// component. The lock does not say what is development-only; the project's
/// <c>PrivateAssets="all"</c> references (analyzers, build tools) do, and what only they reach is
/// development too. Parsed with System.Text.Json: the format is NuGet's documented JSON.
/// </summary>
public static class NuGetLockfile
{
    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content, IEnumerable<string> developmentDirect) =>
        JsonFile.ReadObject(file, content, "a NuGet lock file", root =>
        {
            if (!root.TryGetProperty("dependencies", out var frameworks) || frameworks.ValueKind != JsonValueKind.Object)
            {
                return new InventoryResult([], []);
            }

            var lines = JsonLines.MembersOf(content.Span, "dependencies", depth: 3);
            var packages = new Dictionary<string, Package>(StringComparer.OrdinalIgnoreCase);
            var direct = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var framework in frameworks.EnumerateObject().Where(f => f.Value.ValueKind == JsonValueKind.Object))
            {
                // Ids are case-insensitive; a name written twice keeps its first version.
                var resolved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var package in framework.Value.EnumerateObject()
                    .Where(p => p.Value.ValueKind == JsonValueKind.Object && Text(p.Value, "type") != "Project" && Text(p.Value, "resolved") is not null))
                {
                    resolved.TryAdd(package.Name, Text(package.Value, "resolved")!);
                }

                foreach (var package in framework.Value.EnumerateObject().Where(p => resolved.ContainsKey(p.Name)))
                {
                    var key = Key(package.Name, resolved[package.Name]);
                    var dependsOn = package.Value.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object
                        ? dependencies.EnumerateObject().Where(d => resolved.ContainsKey(d.Name)).Select(d => Key(d.Name, resolved[d.Name]))
                        : [];
                    if (packages.TryGetValue(key, out var seen))
                    {
                        seen.DependsOn.UnionWith(dependsOn);
                    }
                    else
                    {
                        packages[key] = new Package(package.Name, resolved[package.Name], lines.GetValueOrDefault(package.Name),
                            new HashSet<string>(dependsOn, StringComparer.OrdinalIgnoreCase));
                    }
                    if (Text(package.Value, "type") == "Direct")
                    {
                        direct.Add(key);
                    }
                }
            }

            var development = developmentDirect.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var runtime = DependencyGraph.Reachable(
                direct.Where(key => !development.Contains(packages[key].Name)),
                key => packages[key].DependsOn);
            return new InventoryResult([.. packages.Select(p =>
            {
                var purl = PackageUrl.NuGet(p.Value.Name, p.Value.Version);
                return new InventoryComponent(purl.ToString(), purl, p.Value.Name, p.Value.Version, DeclaredRange: null,
                    Direct: direct.Contains(p.Key),
                    Development: development.Count > 0 && !runtime.Contains(p.Key),
                    new Evidence(file, p.Value.Line == 0 ? null : p.Value.Line),
                    [.. p.Value.DependsOn.Select(d => PackageUrl.NuGet(packages[d].Name, packages[d].Version).ToString())]);
            })], []);
        });

    private sealed record Package(string Name, string Version, int Line, HashSet<string> DependsOn);

    private static string Key(string name, string version) => $"{name}@{version}";

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
