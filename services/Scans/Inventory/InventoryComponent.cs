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
        var merged = new Dictionary<(string File, string Id), InventoryComponent>();
        foreach (var component in components)
        {
            var key = (component.Evidence.File, component.Id);
            merged[key] = merged.TryGetValue(key, out var seen)
                ? seen with
                {
                    Direct = seen.Direct || component.Direct,
                    Development = seen.Development && component.Development,
                    DependsOn = [.. seen.DependsOn.Union(component.DependsOn, StringComparer.Ordinal)],
                }
                : component;
        }

        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var renamed = merged.Keys.ToDictionary(key => key, key => seenIds.Add(key.Id) ? key.Id : $"{key.Id}#{key.File}");
        return [.. merged.Values.Select(c => c with
        {
            Id = renamed[(c.Evidence.File, c.Id)],
            DependsOn = [.. c.DependsOn.Select(d => renamed.TryGetValue((c.Evidence.File, d), out var id) ? id : d)],
        })];
    }
}
