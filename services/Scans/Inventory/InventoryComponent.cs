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
}
