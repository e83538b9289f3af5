namespace TrustedOss.Scans.Inventory.NuGet;

/// <summary>
/// The NuGet ecosystem's files. A project with a <c>packages.lock.json</c> beside it is read from
/// the lock (exact versions, the graph); one without, from its <c>PackageReference</c> items with
/// central versions (declared versions only); old projects from <c>packages.config</c>.
/// </summary>
public static class NuGetFiles
{
    public const string LockFile = "packages.lock.json";

    public static bool Wants(string path) => ManifestFiles.FileName(path) switch
    {
        LockFile or "packages.config" or MsBuildProperties.BuildProps => true,
        var name => IsProject(name) || CentralVersions.Wants(name),
    };

    public static InventoryResult Read(ManifestFiles files)
    {
        var central = new CentralVersions(files);
        var projects = files.Paths.Where(p => IsProject(ManifestFiles.FileName(p)))
            .GroupBy(ManifestFiles.FolderOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return InventoryResults.Combine(files.Paths.Select(path =>
        {
            files.TryRead(path, out var content);
            var folder = ManifestFiles.FolderOf(path);
            return ManifestFiles.FileName(path) switch
            {
                LockFile => NuGetLockfile.Read(path, content, projects.GetValueOrDefault(folder) is { } project
                    ? ProjectFile.Read(project, files, central).Components.Where(c => c.Development).Select(c => c.Name)
                    : []),
                "packages.config" => PackagesConfig.Read(path, content),
                var name when IsProject(name) && !files.Contains(ManifestFiles.Join(folder, LockFile)) => ProjectFile.Read(path, files, central),
                _ => null,
            };
        }).OfType<InventoryResult>());
    }

    private static bool IsProject(string fileName) =>
        fileName.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".fsproj", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".vbproj", StringComparison.OrdinalIgnoreCase);
}
