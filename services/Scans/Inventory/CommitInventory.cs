using Microsoft.Extensions.Options;
using TrustedOss.Scans.Inventory.CycloneDx;
using TrustedOss.Scans.Inventory.Npm;
using TrustedOss.Scans.Inventory.PyPi;
using TrustedOss.Scans.Running;

namespace TrustedOss.Scans.Inventory;

/// <summary>A scan's result: its CycloneDX document and how many components it lists.</summary>
public sealed record InventoryOutcome(byte[] Sbom, int ComponentCount, IReadOnlyList<string> Warnings);

/// <summary>
/// Fetches exactly the scanned commit (one commit deep, no tags, no submodules, into a bare
/// repository, so nothing is checked out, no hook or LFS filter runs) under the same egress rules
/// as the ref resolution, then reads the lock files it holds straight from git's objects and
/// writes the document. Bounded: time to fetch, size on disk, number of files, size of each file
/// read; the work folder is always removed.
/// </summary>
public sealed class CommitInventory(GitRefResolver git, IOptions<ScanRunnerOptions> options, TimeProvider time, ILogger<CommitInventory> logger)
{
    /// <summary>The files read, by name, and their readers.</summary>
    private static readonly Dictionary<string, Func<string, ReadOnlyMemory<byte>, InventoryResult>> Readers = new(StringComparer.Ordinal)
    {
        ["package-lock.json"] = NpmLockfile.Read,
        ["npm-shrinkwrap.json"] = NpmLockfile.Read,
        ["Pipfile.lock"] = PipfileLock.Read,
    };

    public async Task<InventoryOutcome> TakeAsync(Remote remote, string commitSha, Guid scanId, string? gitRef, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var work = Directory.CreateTempSubdirectory("trustedoss-scan-");
        try
        {
            await RunAsync(remote, ["init", "--quiet", "--bare", work.FullName], 4096, limits.GitTimeout, "init", cancellationToken);
            await RunAsync(remote, ["-C", work.FullName, "-c", "protocol.version=2", "fetch", "--quiet", "--depth=1", "--no-tags",
                "--no-recurse-submodules", "--", remote.Url, commitSha], 64 * 1024, limits.FetchTimeout, "fetch", cancellationToken);
            if (SizeOf(work) > limits.MaxRepositoryBytes)
            {
                throw new ScanFailedException(ScanError.RepositoryTooLarge);
            }

            var files = await TreeAsync(remote, work.FullName, commitSha, cancellationToken);
            if (files.Count > limits.MaxFiles)
            {
                throw new ScanFailedException(ScanError.RepositoryTooLarge);
            }

            var components = new List<InventoryComponent>();
            var warnings = new List<string>();
            // Packages vendored into the repository (node_modules, a virtualenv) are not its own manifests.
            foreach (var file in files.Where(f => Readers.ContainsKey(Path.GetFileName(f.Path))
                && !f.Path.Split('/').Any(folder => folder is "node_modules" or "site-packages")))
            {
                if (file.Size > limits.MaxManifestBytes)
                {
                    warnings.Add($"{file.Path}: {file.Size} bytes, over the {limits.MaxManifestBytes} a scan reads; skipped");
                    continue;
                }

                var content = await RunAsync(remote, ["-C", work.FullName, "cat-file", "blob", file.Blob], (int)file.Size + 1, limits.GitTimeout,
                    "cat-file", cancellationToken);
                var read = Readers[Path.GetFileName(file.Path)](file.Path, content);
                components.AddRange(read.Components);
                warnings.AddRange(read.Warnings);
            }

            var unique = UniqueIds(components);
            using var document = new MemoryStream();
            SbomWriter.Write(document, new SbomSubject(remote.Url, commitSha, gitRef, scanId, time.GetUtcNow(), ToolVersion), unique, warnings);
            return new InventoryOutcome(document.ToArray(), unique.Count, warnings);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static readonly string ToolVersion =
        typeof(CommitInventory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>One file in the commit: its path, blob id and size.</summary>
    private sealed record TreeFile(string Path, string Blob, long Size);

    private async Task<List<TreeFile>> TreeAsync(Remote remote, string work, string commitSha, CancellationToken cancellationToken)
    {
        // -z: paths as stored, NUL-separated; --long: each blob's size, so big files are skipped unread.
        var listing = await RunAsync(remote, ["-C", work, "ls-tree", "-r", "-z", "--long", commitSha],
            (options.Value.MaxFiles + 1) * 1100, options.Value.GitTimeout, "ls-tree", cancellationToken);
        var files = new List<TreeFile>();
        foreach (var entry in System.Text.Encoding.UTF8.GetString(listing).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <type> <object> <size>\t<path>"
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            var fields = entry[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is [_, "blob", var blob, var size] && long.TryParse(size, out var bytes))
            {
                files.Add(new TreeFile(entry[(tab + 1)..], blob, bytes));
            }
        }

        return files;
    }

    private async Task<byte[]> RunAsync(Remote remote, string[] arguments, int maxOutputBytes, TimeSpan timeout, string step, CancellationToken cancellationToken)
    {
        var result = await GitProcess.RunAsync(git.Git(remote, arguments), maxOutputBytes, timeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            logger.LogInformation("git {Step} of {Repository} exited {ExitCode}: {GitError}", step, remote.Url, result.ExitCode, result.Error.Trim());
            throw new ScanFailedException(ScanError.RepositoryUnreachable);
        }

        return result.Output;
    }

    /// <summary>The same package found in two lock files (a monorepo) is listed once per file, each with an id of its own.</summary>
    private static List<InventoryComponent> UniqueIds(List<InventoryComponent> components)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var renamed = new Dictionary<(string File, string Id), string>();
        foreach (var component in components)
        {
            renamed[(component.Evidence.File, component.Id)] = seen.Add(component.Id) ? component.Id : $"{component.Id}#{component.Evidence.File}";
        }

        return [.. components.Select(c => c with
        {
            Id = renamed[(c.Evidence.File, c.Id)],
            DependsOn = [.. c.DependsOn.Select(d => renamed.TryGetValue((c.Evidence.File, d), out var id) ? id : d)],
        })];
    }

    private static long SizeOf(DirectoryInfo folder) =>
        folder.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
