using System.Text;

namespace TrustedOss.Scans.Inventory.Npm;

/// <summary>One resolution in a <c>yarn.lock</c>: the descriptors (<c>name@range</c>) it answers, the package it is, and the descriptors it depends on.</summary>
internal sealed record YarnEntry(IReadOnlyList<string> Descriptors, string Name, string Version, IReadOnlyList<string> Dependencies, int Line, bool IsProject);

/// <summary>
/// Components of a Yarn <c>yarn.lock</c>, classic (v1) or Berry (v2 and later). The lock maps each
/// descriptor to the one version installed for it, which gives the graph; it records neither
/// which packages the project names nor which are development ones, so those come from the
/// <c>package.json</c> beside it: a package no runtime dependency reaches is a development one.
/// The project's own packages (workspaces, links, portals) are not components.
/// </summary>
public static class YarnLock
{
    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content, PackageJson? manifest)
    {
        var text = Encoding.UTF8.GetString(content.Span);
        var berry = text.StartsWith("__metadata:", StringComparison.Ordinal) || text.Contains("\n__metadata:", StringComparison.Ordinal);
        var warnings = new List<string>();
        var entries = berry ? YarnBerryLock.Entries(file, content, warnings) : YarnClassicLock.Entries(file, text, warnings);
        return new InventoryResult(Components(file, entries, manifest, berry), warnings);
    }

    private static List<InventoryComponent> Components(string file, IReadOnlyList<YarnEntry> entries, PackageJson? manifest, bool berry)
    {
        var byDescriptor = new Dictionary<string, YarnEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var descriptor in entry.Descriptors)
            {
                byDescriptor[descriptor] = entry;
            }
        }

        YarnEntry? Find(string descriptor) =>
            byDescriptor.GetValueOrDefault(descriptor)
            // package.json writes "^1.0.0" where Berry's lock writes "npm:^1.0.0".
            ?? (berry ? byDescriptor.GetValueOrDefault(WithNpmProtocol(descriptor)) : null);

        // What the project asks for: the package.json's dependencies, and Berry's workspace entries.
        var declared = new List<(string Descriptor, bool Development)>();
        declared.AddRange(manifest?.Dependencies.Select(d => ($"{d.Name}@{d.Range}", d.Development)) ?? []);
        var developmentNames = manifest?.Dependencies.Where(d => d.Development).Select(d => d.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var project in entries.Where(e => e.IsProject))
        {
            declared.AddRange(project.Dependencies.Select(d => (d, developmentNames.Contains(NameOf(d)))));
        }

        IEnumerable<YarnEntry> DependenciesOf(YarnEntry entry) => entry.Dependencies.Select(Find).OfType<YarnEntry>();
        var direct = declared.Select(d => Find(d.Descriptor)).OfType<YarnEntry>().ToHashSet();
        var runtimeRoots = declared.Where(d => !d.Development).Select(d => Find(d.Descriptor)).OfType<YarnEntry>();
        var runtime = DependencyGraph.Reachable(runtimeRoots, DependenciesOf);

        // One component per package version: Berry lists a patched package beside its original.
        var components = new Dictionary<string, (InventoryComponent Component, HashSet<string> DependsOn)>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => !e.IsProject))
        {
            var purl = PackageUrl.Npm(entry.Name, entry.Version);
            var id = purl.ToString();
            var dependsOn = DependenciesOf(entry).Where(d => !d.IsProject).Select(d => PackageUrl.Npm(d.Name, d.Version).ToString()).Where(d => d != id);
            var component = new InventoryComponent(id, purl, entry.Name, entry.Version, DeclaredRange: null,
                Direct: direct.Contains(entry),
                Development: declared.Count > 0 && !runtime.Contains(entry),
                new Evidence(file, entry.Line), []);
            if (components.TryGetValue(id, out var seen))
            {
                seen.DependsOn.UnionWith(dependsOn);
                components[id] = (seen.Component with
                {
                    Direct = seen.Component.Direct || component.Direct,
                    Development = seen.Component.Development && component.Development,
                }, seen.DependsOn);
            }
            else
            {
                components[id] = (component, [.. dependsOn]);
            }
        }

        return [.. components.Values.Select(c => c.Component with { DependsOn = [.. c.DependsOn] })];
    }

    /// <summary>The name part of <c>name@range</c> (a scope's <c>@</c> is part of the name).</summary>
    internal static string NameOf(string descriptor)
    {
        var at = descriptor.Length > 1 ? descriptor.IndexOf('@', 1) : -1;
        return at < 0 ? descriptor : descriptor[..at];
    }

    /// <summary>The range part of <c>name@range</c>.</summary>
    internal static string RangeOf(string descriptor)
    {
        var at = descriptor.Length > 1 ? descriptor.IndexOf('@', 1) : -1;
        return at < 0 ? "" : descriptor[(at + 1)..];
    }

    /// <summary>
    /// The package a descriptor installs: its own name, or for an alias
    /// (<c>string-width-cjs@npm:string-width@^4.2.0</c>) the aliased one.
    /// </summary>
    public static string PackageOf(string descriptor)
    {
        var range = RangeOf(descriptor);
        return range.Length > 5 && range.StartsWith("npm:", StringComparison.Ordinal) && range.IndexOf('@', 5) > 0 ? NameOf(range[4..]) : NameOf(descriptor);
    }

    /// <summary>Whether a range points into the repository itself rather than at a package.</summary>
    internal static bool IsProjectRange(string range) =>
        range.StartsWith("workspace:", StringComparison.Ordinal) || range.StartsWith("link:", StringComparison.Ordinal)
        || range.StartsWith("portal:", StringComparison.Ordinal) || range.StartsWith("file:", StringComparison.Ordinal);

    private static string WithNpmProtocol(string descriptor) =>
        RangeOf(descriptor).Contains(':', StringComparison.Ordinal) ? descriptor : $"{NameOf(descriptor)}@npm:{RangeOf(descriptor)}";
}
