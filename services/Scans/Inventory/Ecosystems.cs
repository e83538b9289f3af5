using TrustedOss.Scans.Inventory.Npm;
using TrustedOss.Scans.Inventory.NuGet;
using TrustedOss.Scans.Inventory.PyPi;

namespace TrustedOss.Scans.Inventory;

/// <summary>The three ecosystems read: which files each wants from a commit, and what it makes of them.</summary>
public static class Ecosystems
{
    /// <summary>Whether any reader wants <paramref name="path"/>; <paramref name="paths"/> is every path of the commit.</summary>
    public static bool Wants(string path, IReadOnlySet<string> paths) =>
        !IsVendored(path) && (NpmFiles.Wants(path, paths) || NuGetFiles.Wants(path) || PyPiFiles.Wants(path));

    public static InventoryResult Read(ManifestFiles files)
    {
        var read = InventoryResults.Combine([NpmFiles.Read(files), NuGetFiles.Read(files), PyPiFiles.Read(files)]);
        // An entry with no package name (a hostile or broken file) can have no package URL.
        var nameless = read.Components.Where(c => c.Purl.Name.Length == 0).ToList();
        return nameless.Count == 0 ? read : new InventoryResult(
            [.. read.Components.Except(nameless)],
            [.. read.Warnings, .. nameless.Select(c => $"{c.Evidence.File}:{c.Evidence.Line}: an entry without a package name; skipped")]);
    }

    /// <summary>Packages vendored into the repository (node_modules, a virtualenv) are not its own manifests.</summary>
    private static bool IsVendored(string path) =>
        path.Split('/').Any(folder => folder is "node_modules" or "site-packages" or "bower_components");
}
