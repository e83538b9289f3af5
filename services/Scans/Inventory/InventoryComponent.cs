namespace TrustedOss.Scans.Inventory;

/// <summary>Where a component was found: the repository file and, where the format allows, its line (1-based).</summary>
public sealed record Evidence(string File, int? Line);

/// <summary>
/// One package a repository depends on, as one ecosystem's files say. <see cref="Version"/> is
/// exact when a lock file pins it; a manifest alone gives only <see cref="DeclaredRange"/>.
/// <see cref="Id"/> is unique within the inventory (the package URL, with the install path where
/// one version of a package is installed twice); <see cref="DependsOn"/> holds the ids of what
/// it depends on, where the file records that.
/// </summary>
public sealed record InventoryComponent(
    string Id,
    PackageUrl Purl,
    string Name,
    string? Version,
    string? DeclaredRange,
    bool Direct,
    bool Development,
    Evidence Evidence,
    IReadOnlyList<string> DependsOn);

/// <summary>What reading one file gave: its components, and warnings for what could not be read.</summary>
public sealed record InventoryResult(IReadOnlyList<InventoryComponent> Components, IReadOnlyList<string> Warnings)
{
    public static InventoryResult Warning(string warning) => new([], [warning]);
}

/// <summary>Several files' results as one.</summary>
public static class InventoryResults
{
    public static InventoryResult Combine(IEnumerable<InventoryResult> results)
    {
        var all = results.ToList();
        return new InventoryResult([.. all.SelectMany(r => r.Components)], [.. all.SelectMany(r => r.Warnings)]);
    }

    /// <summary>
    /// One component per package and file (a package a file lists twice, for two platforms or two
    /// projects, is merged: direct if either is, development only if both are); the same package
    /// found in two files (a monorepo) is listed once per file, each with an id of its own.
    /// </summary>
    public static List<InventoryComponent> UniqueIds(IReadOnlyList<InventoryComponent> components)
    {
        var merged = new Dictionary<(string File, string Id), (InventoryComponent Component, HashSet<string> DependsOn)>();
        foreach (var component in components)
        {
            var key = (component.Evidence.File, component.Id);
            if (merged.TryGetValue(key, out var seen))
            {
                seen.DependsOn.UnionWith(component.DependsOn);
                merged[key] = (seen.Component with
                {
                    Direct = seen.Component.Direct || component.Direct,
                    Development = seen.Component.Development && component.Development,
                }, seen.DependsOn);
            }
            else
            {
                merged[key] = (component, new HashSet<string>(component.DependsOn, StringComparer.Ordinal));
            }
        }

        // Every id, renamed ones included, is checked against those already given: none can repeat.
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var renamed = new Dictionary<(string File, string Id), string>();
        foreach (var key in merged.Keys)
        {
            var id = key.Id;
            for (var attempt = 1; !kept.Add(id); attempt++)
            {
                id = attempt == 1 ? $"{key.Id}#{key.File}" : $"{key.Id}#{key.File}#{attempt}";
            }

            renamed[key] = id;
        }

        return [.. merged.Values.Select(m => m.Component with
        {
            Id = renamed[(m.Component.Evidence.File, m.Component.Id)],
            DependsOn = [.. m.DependsOn.Select(d => renamed.TryGetValue((m.Component.Evidence.File, d), out var id) ? id : d)],
        })];
    }
}
