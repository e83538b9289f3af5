using Microsoft.Extensions.Options;
using TrustedOss.Scans.Inventory.CycloneDx;
using TrustedOss.Scans.Running;

namespace TrustedOss.Scans.Inventory;

/// <summary>A scan's result: its CycloneDX document and how many components it lists.</summary>
public sealed record InventoryOutcome(byte[] Sbom, int ComponentCount, IReadOnlyList<string> Warnings);

/// <summary>
/// Fetches exactly the scanned commit (one commit deep, no tags, no submodules, into a bare
/// repository, so nothing is checked out, no hook or LFS filter runs) under the same egress rules
/// as the ref resolution, then reads the manifests and lock files it holds straight from git's
/// objects and writes the document. Bounded: time to fetch, size on disk (watched while git
/// writes), number of files, size of each file read and of all of them; the work folder is
/// always removed.
/// </summary>
public sealed class CommitInventory(GitRefResolver git, IOptions<ScanRunnerOptions> options, TimeProvider time, ILogger<CommitInventory> logger)
{
    public async Task<InventoryOutcome> TakeAsync(Remote remote, string commitSha, Guid scanId, string? gitRef, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var work = Directory.CreateTempSubdirectory(WorkFolderPrefix);
        try
        {
            var started = time.GetTimestamp();
            await RunAsync(remote, ["init", "--quiet", "--bare", work.FullName], 4096, limits.GitTimeout, "init", cancellationToken);
            var fetchedBytes = await FetchAsync(remote, work, commitSha, cancellationToken);
            var fetchTime = time.GetElapsedTime(started);

            var tree = await TreeAsync(remote, work.FullName, commitSha, cancellationToken);
            if (tree.Count > limits.MaxFiles)
            {
                throw new ScanFailedException(ScanError.RepositoryTooLarge);
            }

            var warnings = new List<string>();
            var files = await ReadManifestsAsync(remote, work.FullName, tree, warnings, cancellationToken);
            var found = Ecosystems.Read(files);
            warnings.AddRange(found.Warnings);
            var components = InventoryResults.UniqueIds(found.Components);

            using var document = new MemoryStream();
            var subject = new SbomSubject(remote.Url, commitSha, gitRef, scanId, time.GetUtcNow(), ToolVersion)
            {
                Measurements =
                [
                    new("trustedoss:repository_bytes", fetchedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new("trustedoss:file_count", tree.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new("trustedoss:manifests_read", files.Paths.Count().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new("trustedoss:fetch_seconds", fetchTime.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)),
                ],
            };
            SbomWriter.Write(document, subject, components, warnings);
            return new InventoryOutcome(document.ToArray(), components.Count, warnings);
        }
        finally
        {
            RemoveWorkFolder(work);
        }
    }

    private const string WorkFolderPrefix = "trustedoss-scan-";

    /// <summary>
    /// Removes the work folders that runs which died (a crash, a kill) left behind, each up to
    /// <see cref="ScanRunnerOptions.MaxRepositoryBytes"/>: those last written before
    /// <paramref name="before"/>, which no run still alive can own (no run outlasts the
    /// <see cref="ScanRunnerOptions.RunningLease"/>). Replicas on one host share the folder, so
    /// age, not ownership, decides. Says how many were removed.
    /// </summary>
    public int RemoveAbandonedWorkFolders(DateTime before)
    {
        var removed = 0;
        try
        {
            foreach (var folder in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories(WorkFolderPrefix + "*"))
            {
                if (folder.LastWriteTimeUtc < before && RemoveWorkFolder(folder))
                {
                    removed++;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not look for abandoned work folders in {Folder}", Path.GetTempPath());
        }

        return removed;
    }

    /// <summary>
    /// Best effort: a git that was just stopped (a timeout, a repository over the limit, the service
    /// stopping) may still be writing there, and a failed delete must not replace the scan's own
    /// outcome with an internal error.
    /// </summary>
    private bool RemoveWorkFolder(DirectoryInfo work)
    {
        try
        {
            work.Delete(recursive: true);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            // Removed meanwhile (by another replica's sweep on this host).
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "The scan's work folder {Folder} could not be removed", work.FullName);
            return false;
        }
    }

    private static readonly string ToolVersion =
        typeof(CommitInventory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// Fetches the commit while watching the folder's size: a repository past the limit fails the
    /// scan as soon as git has written that much, not after it has filled the disk. The bytes on
    /// disk at the end.
    /// </summary>
    private async Task<long> FetchAsync(Remote remote, DirectoryInfo work, string commitSha, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        using var tooLarge = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watch = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        var watcher = Task.Run(async () =>
        {
            while (await watch.WaitForNextTickAsync(CancellationToken.None))
            {
                if (SizeOf(work) > limits.MaxRepositoryBytes)
                {
                    await tooLarge.CancelAsync();
                    return;
                }
            }
        }, CancellationToken.None);

        try
        {
            await RunAsync(remote, ["-C", work.FullName, "-c", "protocol.version=2", "fetch", "--quiet", "--depth=1", "--no-tags",
                "--no-recurse-submodules", "--", remote.Url, commitSha], 64 * 1024, limits.FetchTimeout, "fetch", tooLarge.Token,
                missing: ScanError.CommitNotFound(commitSha));
        }
        catch (OperationCanceledException) when (tooLarge.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ScanFailedException(ScanError.RepositoryTooLarge);
        }
        finally
        {
            watch.Dispose();
            await watcher;
        }

        var bytes = SizeOf(work);
        return bytes > limits.MaxRepositoryBytes ? throw new ScanFailedException(ScanError.RepositoryTooLarge) : bytes;
    }

    /// <summary>One file in the commit: its path, blob id and size.</summary>
    private sealed record TreeFile(string Path, string Blob, long Size);

    /// <summary>
    /// The most bytes the tree's listing may take: about 1,100 a file (a path of up to 1,024 bytes and
    /// the mode, id and size), one file more than allowed so that too many files are told apart from a
    /// listing cut short; counted in 64 bits and held to what one array can take.
    /// </summary>
    internal static int ListingLimit(int maxFiles) => (int)Math.Min((maxFiles + 1L) * 1100, Array.MaxLength);

    private async Task<List<TreeFile>> TreeAsync(Remote remote, string work, string commitSha, CancellationToken cancellationToken)
    {
        // -z: paths as stored, NUL-separated; --long: each blob's size, so big files are skipped unread.
        var listing = await RunAsync(remote, ["-C", work, "ls-tree", "-r", "-z", "--long", commitSha],
            ListingLimit(options.Value.MaxFiles), options.Value.GitTimeout, "ls-tree", cancellationToken);
        var files = new List<TreeFile>();
        // Read entry by entry from git's bytes: a listing of 200,000 files is tens of megabytes, which
        // as one string and then its pieces would be held three times over.
        for (var rest = listing.Span; !rest.IsEmpty;)
        {
            var end = rest.IndexOf((byte)0);
            var entry = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            // "<mode> <type> <object> <size>\t<path>"
            var tab = entry.IndexOf((byte)'\t');
            var fields = tab < 0 ? [] : System.Text.Encoding.ASCII.GetString(entry[..tab]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is [_, "blob", var blob, var size] && long.TryParse(size, out var bytes))
            {
                files.Add(new TreeFile(System.Text.Encoding.UTF8.GetString(entry[(tab + 1)..]), blob, bytes));
            }
        }

        return files;
    }

    /// <summary>
    /// The manifests and lock files the readers want, in one <c>git cat-file --batch</c>: each file
    /// up to <see cref="ScanRunnerOptions.MaxManifestBytes"/>, all of them up to
    /// <see cref="ScanRunnerOptions.MaxManifestTotalBytes"/>; what is skipped is a warning.
    /// </summary>
    private async Task<ManifestFiles> ReadManifestsAsync(Remote remote, string work, List<TreeFile> tree, List<string> warnings, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var paths = tree.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var wanted = new List<TreeFile>();
        long total = 0;
        foreach (var file in tree.Where(f => Ecosystems.Wants(f.Path, paths)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (file.Size > limits.MaxManifestBytes)
            {
                warnings.Add($"{file.Path}: {file.Size} bytes, over the {limits.MaxManifestBytes} a scan reads of one file; skipped");
            }
            else if (total + file.Size > limits.MaxManifestTotalBytes)
            {
                warnings.Add($"{file.Path}: skipped, the scan has read the {limits.MaxManifestTotalBytes} bytes it reads of all files");
            }
            else
            {
                total += file.Size;
                wanted.Add(file);
            }
        }

        var contents = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return new ManifestFiles(contents);
        }

        // Each answer is "<blob> blob <size>\n<content>\n": as ls-tree listed them, exactly this many bytes.
        var expected = wanted.Sum(f => Header(f).Length + 1 + f.Size + 1);
        var output = await RunAsync(remote, ["-C", work, "cat-file", "--batch"], (int)Math.Min(int.MaxValue, total + (wanted.Count * 128L)),
            limits.GitTimeout, "cat-file", cancellationToken, string.Concat(wanted.Select(f => f.Blob + "\n")), (int)Math.Min(int.MaxValue, expected));
        var at = 0;
        foreach (var file in wanted)
        {
            var headerLength = output.Span[Math.Min(at, output.Length)..].IndexOf((byte)'\n');
            var header = headerLength < 0 ? "" : System.Text.Encoding.ASCII.GetString(output.Span.Slice(at, headerLength));
            var contentAt = at + headerLength + 1;
            if (header != Header(file) || contentAt + file.Size > output.Length)
            {
                // Not what ls-tree listed: git's answer cannot be trusted past this point.
                warnings.Add($"{file.Path} and the files after it: git answered \"{header}\" for it; not read");
                break;
            }

            contents[file.Path] = output.Slice(contentAt, (int)file.Size);
            at = contentAt + (int)file.Size + 1;
        }

        return new ManifestFiles(contents);
    }

    /// <summary>
    /// Runs one git step; a failure is <see cref="ScanError.RepositoryUnreachable"/>, or
    /// <paramref name="missing"/> when the repository answered that it has no such object (a commit
    /// force-pushed away and collected, or never there).
    /// </summary>
    private async Task<ReadOnlyMemory<byte>> RunAsync(Remote remote, string[] arguments, int maxOutputBytes, TimeSpan timeout, string step,
        CancellationToken cancellationToken, string? input = null, int expectedOutputBytes = 0, ScanError? missing = null)
    {
        var result = await GitProcess.RunAsync(git.Git(remote, arguments), maxOutputBytes, timeout, cancellationToken, input, expectedOutputBytes);
        if (result.ExitCode != 0)
        {
            logger.LogInformation("git {Step} of {Repository} exited {ExitCode}: {GitError}", step, remote.Url, result.ExitCode, result.Error.Trim());
            throw new ScanFailedException(missing is not null && NoSuchObject(result.Error) ? missing : ScanError.RepositoryUnreachable);
        }

        return result.Output;
    }

    /// <summary>
    /// What git's upload-pack answers for an object it does not have: "not our ref" (protocol v2, and
    /// v0 for an advertised-refs-only server) or "unadvertised object" (the client's words for v0).
    /// </summary>
    private static bool NoSuchObject(string gitError) =>
        gitError.Contains("not our ref", StringComparison.Ordinal) || gitError.Contains("unadvertised object", StringComparison.Ordinal);

    /// <summary>The line <c>git cat-file --batch</c> answers before a blob's content.</summary>
    private static string Header(TreeFile file) => $"{file.Blob} blob {file.Size}";

    private static long SizeOf(DirectoryInfo folder)
    {
        try
        {
            return folder.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Exists ? f.Length : 0);
        }
        catch (IOException)
        {
            // A file git removed while it was being counted: the next tick counts again.
            return 0;
        }
    }
}
