namespace TrustedOss.Scans.Inventory.PyPi;

/// <summary>
/// The PyPI ecosystem's files. Lock files (<c>poetry.lock</c>, <c>uv.lock</c>, <c>Pipfile.lock</c>)
/// give exact versions; the manifest beside one (<c>pyproject.toml</c>, <c>Pipfile</c>) only says
/// which of its packages are direct. A manifest with no lock beside it gives its declared
/// dependencies. Requirements files are read on their own, with their includes.
/// </summary>
public static class PyPiFiles
{
    private const string PyProject = "pyproject.toml";

    public static bool Wants(string path) =>
        ManifestFiles.FileName(path) is "poetry.lock" or "uv.lock" or "Pipfile.lock" or "Pipfile" or PyProject
        || RequirementsFiles.Wants(path);

    public static InventoryResult Read(ManifestFiles files) =>
        InventoryResults.Combine(files.Paths.Select(path =>
        {
            files.TryRead(path, out var content);
            var folder = ManifestFiles.FolderOf(path);
            bool Beside(string name) => files.Contains(ManifestFiles.Join(folder, name));
            return ManifestFiles.FileName(path) switch
            {
                "poetry.lock" => WithWarnings(Declared(files, folder, PyProject), declared => PoetryLock.Read(path, content, declared)),
                "uv.lock" => UvLock.Read(path, content),
                "Pipfile.lock" => WithWarnings(Declared(files, folder, "Pipfile"), declared => MarkDirect(PipfileLock.Read(path, content), declared)),
                "Pipfile" when !Beside("Pipfile.lock") => PythonManifest.Components(path, content),
                PyProject when !Beside("poetry.lock") && !Beside("uv.lock") && !IsUvWorkspaceMember(files, folder) => PythonManifest.Components(path, content),
                _ => null,
            };
        }).Append(RequirementsFiles.Read(files)).OfType<InventoryResult>());

    /// <summary>What the manifest beside a lock declares (nothing when there is none), and the warnings reading it gave.</summary>
    private static (IReadOnlyList<DeclaredDependency> Dependencies, IReadOnlyList<string> Warnings) Declared(ManifestFiles files, string folder, string manifest)
    {
        var path = ManifestFiles.Join(folder, manifest);
        return files.TryRead(path, out var content) ? PythonManifest.Read(path, content) : ([], []);
    }

    private static InventoryResult WithWarnings((IReadOnlyList<DeclaredDependency> Dependencies, IReadOnlyList<string> Warnings) declared, Func<IReadOnlyList<DeclaredDependency>, InventoryResult> read)
    {
        var result = read(declared.Dependencies);
        return result with { Warnings = [.. declared.Warnings, .. result.Warnings] };
    }

    /// <summary>Pipfile.lock records no direct dependencies: the Pipfile's packages are.</summary>
    private static InventoryResult MarkDirect(InventoryResult locked, IReadOnlyList<DeclaredDependency> declared)
    {
        var names = declared.Select(d => d.NormalizedName).ToHashSet(StringComparer.Ordinal);
        return locked with { Components = [.. locked.Components.Select(c => c with { Direct = names.Contains(Pep508.Normalize(c.Name)) })] };
    }

    /// <summary>A uv workspace member's pyproject.toml, locked by the uv.lock of a folder above it.</summary>
    private static bool IsUvWorkspaceMember(ManifestFiles files, string folder) =>
        ManifestFiles.FolderAndAncestors(folder).Any(f => files.Contains(ManifestFiles.Join(f, "uv.lock")));
}
