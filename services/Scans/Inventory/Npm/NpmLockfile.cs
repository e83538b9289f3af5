using System.Text.Json;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.Npm;

/// <summary>
/// Components of an npm <c>package-lock.json</c> or <c>npm-shrinkwrap.json</c>, lock file versions
/// 1 to 3. Versions 2 and 3 list every installed package under <c>packages</c> by install path;
/// version 1 nests them under <c>dependencies</c>. Dependencies are resolved as Node does, from the
/// package's own <c>node_modules</c> up to the root, so the graph is the one npm installs. Parsed
/// with System.Text.Json (no maintained .NET reader of the format exists); the format is npm's
/// documented <c>package-lock.json</c>.
/// </summary>
public static class NpmLockfile
{
    private const string Modules = "node_modules/";

    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content) =>
        JsonFile.ReadObject(file, content, "an npm lock file", root =>
            root.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Object
                ? FromPackages(file, packages, JsonLines.MembersOf(content.Span, "packages"))
                : root.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object
                    ? FromNestedDependencies(file, dependencies, JsonLines.MembersOf(content.Span, "dependencies"))
                    : new InventoryResult([], []));

    /// <summary>Lock file versions 2 and 3: one entry per install path.</summary>
    private static InventoryResult FromPackages(string file, JsonElement packages, Dictionary<string, int> lines)
    {
        var entries = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var entry in packages.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.Object)
            {
                entries[entry.Name] = entry.Value;
            }
        }

        var direct = entries.TryGetValue("", out var project) ? DependencyNames(project).ToHashSet(StringComparer.Ordinal) : [];
        var installed = entries
            .Where(e => e.Key.Contains(Modules, StringComparison.Ordinal) && !IsTrue(e.Value, "link") && Text(e.Value, "version") is not null)
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var ids = Ids(installed.Select(e => (Path: e.Key, Name: NameOf(e.Key, e.Value), Version: Text(e.Value, "version")!)));

        var components = new List<InventoryComponent>();
        foreach (var (path, entry) in installed)
        {
            var name = NameOf(path, entry);
            var dependsOn = DependencyNames(entry)
                .Select(dependency => Resolve(path, dependency, installed))
                .OfType<string>()
                .Select(target => ids[target])
                .Distinct(StringComparer.Ordinal)
                .ToList();
            components.Add(new InventoryComponent(
                ids[path], PackageUrl.Npm(name, Text(entry, "version")), name, Text(entry, "version"), DeclaredRange: null,
                Direct: path == Modules + name && direct.Contains(name),
                Development: IsTrue(entry, "dev"),
                new Evidence(file, lines.TryGetValue(path, out var line) ? line : null),
                dependsOn));
        }

        return new InventoryResult(components, []);
    }

    /// <summary>Lock file version 1: nested <c>dependencies</c>, each with the ranges it <c>requires</c>.</summary>
    private static InventoryResult FromNestedDependencies(string file, JsonElement dependencies, Dictionary<string, int> lines)
    {
        // Flatten to install paths, as versions 2 and 3 write them, then resolve the same way.
        var installed = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        void Collect(string prefix, JsonElement scope)
        {
            foreach (var dependency in scope.EnumerateObject().Where(d => d.Value.ValueKind == JsonValueKind.Object))
            {
                var path = $"{prefix}{Modules}{dependency.Name}";
                if (Text(dependency.Value, "version") is not null)
                {
                    installed[path] = dependency.Value;
                }

                if (dependency.Value.TryGetProperty("dependencies", out var nested) && nested.ValueKind == JsonValueKind.Object)
                {
                    Collect(path + "/", nested);
                }
            }
        }

        Collect("", dependencies);
        var ids = Ids(installed.Select(e => (Path: e.Key, Name: NameOf(e.Key, e.Value), Version: Text(e.Value, "version")!)));
        var components = new List<InventoryComponent>();
        foreach (var (path, entry) in installed)
        {
            var name = NameOf(path, entry);
            var required = entry.TryGetProperty("requires", out var requires) && requires.ValueKind == JsonValueKind.Object
                ? requires.EnumerateObject().Select(r => r.Name)
                : [];
            var dependsOn = required.Select(dependency => Resolve(path, dependency, installed)).OfType<string>()
                .Select(target => ids[target]).Distinct(StringComparer.Ordinal).ToList();
            var topLevel = path == Modules + name;
            components.Add(new InventoryComponent(
                ids[path], PackageUrl.Npm(name, Text(entry, "version")), name, Text(entry, "version"), DeclaredRange: null,
                // Version 1 does not record the project's own dependencies; every hoisted package may be one.
                Direct: false,
                Development: IsTrue(entry, "dev"),
                new Evidence(file, topLevel && lines.TryGetValue(name, out var line) ? line : null),
                dependsOn));
        }

        return new InventoryResult(components, []);
    }

    /// <summary>
    /// One id per install path: the purl, and where the same name and version is installed at more
    /// than one path, each copy is still one component (npm installs it twice), told apart by path.
    /// </summary>
    private static Dictionary<string, string> Ids(IEnumerable<(string Path, string Name, string Version)> packages)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in packages.GroupBy(p => PackageUrl.Npm(p.Name, p.Version).ToString(), StringComparer.Ordinal))
        {
            var copies = group.OrderBy(p => p.Path.Length).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
            ids[copies[0].Path] = group.Key;
            foreach (var copy in copies.Skip(1))
            {
                ids[copy.Path] = $"{group.Key}#{copy.Path}";
            }
        }

        return ids;
    }

    /// <summary>Node's lookup: the package's own node_modules, then each enclosing one up to the root.</summary>
    private static string? Resolve(string fromPath, string dependency, Dictionary<string, JsonElement> installed)
    {
        var scope = fromPath;
        while (true)
        {
            var candidate = $"{scope}/{Modules}{dependency}";
            if (installed.ContainsKey(candidate))
            {
                return candidate;
            }

            var parent = scope.LastIndexOf("/" + Modules, StringComparison.Ordinal);
            if (parent < 0)
            {
                var top = Modules + dependency;
                return installed.ContainsKey(top) ? top : null;
            }

            scope = scope[..parent];
        }
    }

    /// <summary>The package's name: its own <c>name</c> (an alias installs under another folder name), else the folder after the last node_modules/.</summary>
    private static string NameOf(string path, JsonElement entry) =>
        Text(entry, "name") ?? path[(path.LastIndexOf(Modules, StringComparison.Ordinal) + Modules.Length)..];

    private static readonly string[] DependencyKinds = ["dependencies", "optionalDependencies", "devDependencies", "peerDependencies"];

    private static IEnumerable<string> DependencyNames(JsonElement entry) =>
        DependencyKinds
            .Where(kind => entry.TryGetProperty(kind, out var list) && list.ValueKind == JsonValueKind.Object)
            .SelectMany(kind => entry.GetProperty(kind).EnumerateObject().Select(d => d.Name))
            .Distinct(StringComparer.Ordinal);

    private static string? Text(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsTrue(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;
}
