namespace TrustedOss.Scans.Inventory.Npm;

/// <summary>
/// The npm ecosystem's files: npm's <c>package-lock.json</c> and <c>npm-shrinkwrap.json</c>,
/// Yarn's <c>yarn.lock</c> (with the <c>package.json</c> beside it, which says what is direct and
/// what is development, since Yarn's lock does not) and pnpm's <c>pnpm-lock.yaml</c>. A folder
/// with two lock files is read twice: each file's components keep their own evidence.
/// </summary>
public static class NpmFiles
{
    public static bool Wants(string path, IReadOnlySet<string> paths) => ManifestFiles.FileName(path) switch
    {
        "package-lock.json" or "npm-shrinkwrap.json" or "yarn.lock" or "pnpm-lock.yaml" => true,
        "package.json" => paths.Contains(ManifestFiles.Join(ManifestFiles.FolderOf(path), "yarn.lock")),
        _ => false,
    };

    public static InventoryResult Read(ManifestFiles files) =>
        InventoryResults.Combine(files.Paths.Select(path =>
        {
            files.TryRead(path, out var content);
            return ManifestFiles.FileName(path) switch
            {
                "package-lock.json" or "npm-shrinkwrap.json" => NpmLockfile.Read(path, content),
                "yarn.lock" => YarnLock.Read(path, content,
                    files.TryRead(ManifestFiles.Join(ManifestFiles.FolderOf(path), "package.json"), out var manifest) ? PackageJson.Read(manifest) : null),
                "pnpm-lock.yaml" => PnpmLock.Read(path, content),
                _ => null,
            };
        }).OfType<InventoryResult>());
}
