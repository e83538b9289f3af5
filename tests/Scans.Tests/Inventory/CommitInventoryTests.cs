using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Running;
using TrustedOss.Scans.Running.Egress;
using TrustedOss.TestSupport;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>Fetching one commit of a real repository on disk and reading its lock files, within the runner's bounds.</summary>
public sealed class CommitInventoryTests : IDisposable
{
    private readonly string repository = TestGit.InitRepository("inventory-", branch: "main");

    private static GitRefResolver Git(ScanRunnerOptions options) =>
        new(Options.Create(options), new RepositoryEgress(new EgressPolicy([]), Dns.GetHostAddressesAsync), NullLogger<GitRefResolver>.Instance);

    private static ScanRunnerOptions Limits(int maxFiles = 1000, int maxManifestBytes = 64 * 1024 * 1024, long maxRepositoryBytes = 1024L * 1024 * 1024) =>
        new()
        {
            AllowFileRepositories = true, GitTimeout = TimeSpan.FromSeconds(30), MaxFiles = maxFiles, MaxManifestBytes = maxManifestBytes,
            MaxRepositoryBytes = maxRepositoryBytes,
        };

    private async Task<InventoryOutcome> TakeAsync(ScanRunnerOptions options, string commit)
    {
        var git = Git(options);
        var remote = await git.CheckAsync($"file://{repository}", null, CancellationToken.None);
        return await new CommitInventory(git, Options.Create(options), TimeProvider.System, NullLogger<CommitInventory>.Instance)
            .TakeAsync(remote, commit, Guid.NewGuid(), "main", CancellationToken.None);
    }

    [Theory]
    [InlineData(2_000_000)]
    [InlineData(10_000_000)]
    public async Task A_file_limit_in_the_millions_still_reads_a_small_commit(int maxFiles)
    {
        var commit = Commit(("package-lock.json", Fixtures.Bytes("npm", "mocha-v3", "package-lock.json")));

        var outcome = await TakeAsync(Limits(maxFiles: maxFiles), commit);

        Assert.True(outcome.ComponentCount > 0);
        Assert.Equal(Array.MaxLength, CommitInventory.ListingLimit(maxFiles));
    }

    [Fact]
    public async Task Manifests_with_a_byte_order_mark_or_in_UTF_16_give_the_same_components()
    {
        var requirements = "requests==2.31.0\nflask==3.0.0\n";
        var project = """
            <?xml version="1.0" encoding="utf-16"?>
            <Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Serilog" Version="3.1.1" /></ItemGroup></Project>
            """;
        var lockFile = Fixtures.Bytes("npm", "mocha-v3", "package-lock.json");
        var plain = await TakeAsync(Limits(), Commit(
            ("requirements.txt", System.Text.Encoding.UTF8.GetBytes(requirements)),
            ("app/app.csproj", System.Text.Encoding.UTF8.GetBytes(project.Replace("utf-16", "utf-8", StringComparison.Ordinal))),
            ("web/package-lock.json", lockFile)));

        var marked = await TakeAsync(Limits(), Commit(
            ("requirements.txt", [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes(requirements)]),
            ("app/app.csproj", [.. System.Text.Encoding.BigEndianUnicode.GetPreamble(), .. System.Text.Encoding.BigEndianUnicode.GetBytes(project)]),
            ("web/package-lock.json", [0xEF, 0xBB, 0xBF, .. lockFile])));

        Assert.Empty(plain.Warnings);
        Assert.Empty(marked.Warnings);
        Assert.Equal(NpmLockfile(lockFile).Components.Count + 3, plain.ComponentCount);
        Assert.Equal(plain.ComponentCount, marked.ComponentCount);
    }

    [Fact]
    public async Task Only_the_scanned_commit_is_read_and_lock_files_under_node_modules_are_not()
    {
        var lockFile = Fixtures.Bytes("npm", "mocha-v3", "package-lock.json");
        var scanned = Commit(("package-lock.json", lockFile), ("vendor/node_modules/x/package-lock.json", lockFile));
        Commit(("web/package-lock.json", lockFile));

        var outcome = await TakeAsync(Limits(), scanned);

        var expected = NpmLockfile(lockFile).Components.Count;
        Assert.Equal(expected, outcome.ComponentCount);
        var components = JsonDocument.Parse(outcome.Sbom).RootElement.GetProperty("components").EnumerateArray().ToList();
        Assert.All(components, c => Assert.Equal("package-lock.json",
            c.GetProperty("evidence").GetProperty("occurrences")[0].GetProperty("location").GetString()));
    }

    [Fact]
    public async Task A_lock_file_under_a_path_of_spaces_and_non_ASCII_letters_is_read_and_named_as_committed()
    {
        var lockFile = Fixtures.Bytes("npm", "mocha-v3", "package-lock.json");
        const string path = "sërvices/wëb app/package-lock.json";
        var commit = Commit(("README", "x"u8.ToArray()), (path, lockFile), ("zz/requirements.txt", "requests==2.31.0\n"u8.ToArray()));

        var outcome = await TakeAsync(Limits(), commit);

        var locations = JsonDocument.Parse(outcome.Sbom).RootElement.GetProperty("components").EnumerateArray()
            .Select(c => c.GetProperty("evidence").GetProperty("occurrences")[0].GetProperty("location").GetString()).ToHashSet();
        Assert.Equal(NpmLockfile(lockFile).Components.Count + 1, outcome.ComponentCount);
        Assert.Equal(new HashSet<string?> { path, "zz/requirements.txt" }, locations);
    }

    [Fact]
    public async Task Two_lock_files_listing_one_package_keep_one_component_each_with_ids_of_their_own()
    {
        var lockFile = Fixtures.Bytes("npm", "mocha-v3", "package-lock.json");
        var commit = Commit(("package-lock.json", lockFile), ("docs/package-lock.json", lockFile));

        var outcome = await TakeAsync(Limits(), commit);

        var ids = JsonDocument.Parse(outcome.Sbom).RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()).ToList();
        Assert.Equal(2 * NpmLockfile(lockFile).Components.Count, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_lock_file_over_the_size_bound_is_skipped_with_a_warning()
    {
        var commit = Commit(("package-lock.json", Fixtures.Bytes("npm", "mocha-v3", "package-lock.json")));

        var outcome = await TakeAsync(Limits(maxManifestBytes: 1024), commit);

        Assert.Equal(0, outcome.ComponentCount);
        Assert.StartsWith("package-lock.json: ", Assert.Single(outcome.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_the_repository_does_not_hold_fails_the_scan_naming_it_and_leaves_no_work_folder()
    {
        Commit(("a.txt", "a"u8.ToArray()));
        const string missing = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
        var before = Directory.GetDirectories(Path.GetTempPath(), "trustedoss-scan-*").Length;

        var error = await Assert.ThrowsAsync<ScanFailedException>(() => TakeAsync(Limits(), missing));

        Assert.Equal(ScanError.CommitNotFound(missing), error.Error);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "trustedoss-scan-*").Length);
    }

    [Fact]
    public async Task A_commit_of_a_repository_that_is_not_there_fails_the_scan_unreachable()
    {
        var git = Git(Limits());
        var remote = await git.CheckAsync("file:///nonexistent/repo", null, CancellationToken.None);
        var inventory = new CommitInventory(git, Options.Create(Limits()), TimeProvider.System, NullLogger<CommitInventory>.Instance);

        var error = await Assert.ThrowsAsync<ScanFailedException>(() =>
            inventory.TakeAsync(remote, "6113728f27ae82c7b1a177c8d03f9e96e0adf246", Guid.NewGuid(), "main", CancellationToken.None));

        Assert.Equal(ScanError.RepositoryUnreachable, error.Error);
    }

    [Fact]
    public async Task A_commit_no_branch_holds_any_more_is_still_read()
    {
        // A push whose branch was force-pushed over before its scan ran: git keeps the commit.
        Commit(("README", "first"u8.ToArray()));
        var pushed = Commit(("package-lock.json", Fixtures.Bytes("npm", "mocha-v3", "package-lock.json")));
        TestGit.Run(repository, "reset", "--quiet", "--hard", "HEAD~1");
        Commit(("a.txt", "a"u8.ToArray()));

        var outcome = await TakeAsync(Limits(), pushed);

        Assert.Equal(NpmLockfile(Fixtures.Bytes("npm", "mocha-v3", "package-lock.json")).Components.Count, outcome.ComponentCount);
    }

    [Fact]
    public void Work_folders_a_dead_run_left_are_removed_once_older_than_any_run_and_others_are_kept()
    {
        var abandoned = Directory.CreateTempSubdirectory("trustedoss-scan-");
        File.WriteAllText(Path.Combine(abandoned.FullName, "pack"), "x");
        abandoned.LastWriteTimeUtc = DateTime.UtcNow - TimeSpan.FromMinutes(11);
        var live = Directory.CreateTempSubdirectory("trustedoss-scan-");
        var inventory = new CommitInventory(Git(Limits()), Options.Create(Limits()), TimeProvider.System, NullLogger<CommitInventory>.Instance);
        try
        {
            var removed = inventory.RemoveAbandonedWorkFolders(DateTime.UtcNow - TimeSpan.FromMinutes(10));

            // At least this one: any other left on this machine by an earlier run is as old.
            Assert.InRange(removed, 1, int.MaxValue);
            Assert.Equal((false, true), (Directory.Exists(abandoned.FullName), Directory.Exists(live.FullName)));
        }
        finally
        {
            live.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_commit_with_more_files_than_the_bound_fails_the_scan_and_leaves_no_work_folder()
    {
        var commit = Commit([.. Enumerable.Range(0, 5).Select(i => ($"file-{i}.txt", "x"u8.ToArray()))]);
        var before = Directory.GetDirectories(Path.GetTempPath(), "trustedoss-scan-*").Length;

        var error = await Assert.ThrowsAsync<ScanFailedException>(() => TakeAsync(Limits(maxFiles: 3), commit));

        Assert.Equal(ScanError.RepositoryTooLarge, error.Error);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "trustedoss-scan-*").Length);
    }

    [Fact]
    public async Task A_repository_over_the_disk_bound_fails_the_scan_and_leaves_no_work_folder()
    {
        // Random bytes do not compress: the fetched pack is as large as the file.
        var commit = Commit(("blob.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 1024 * 1024)));
        var before = Directory.GetDirectories(Path.GetTempPath(), "trustedoss-scan-*").Length;

        var error = await Assert.ThrowsAsync<ScanFailedException>(() => TakeAsync(Limits(maxRepositoryBytes: 1024 * 1024), commit));

        Assert.Equal(ScanError.RepositoryTooLarge, error.Error);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "trustedoss-scan-*").Length);
    }

    [Fact]
    public async Task Every_ecosystem_in_one_commit_is_read_and_the_document_reports_what_the_scan_measured()
    {
        var commit = Commit(
            ("web/yarn.lock", Fixtures.Bytes("npm", "webpack-yarn-classic", "yarn.lock")),
            ("web/package.json", Fixtures.Bytes("npm", "webpack-yarn-classic", "package.json")),
            ("api/requirements.txt", "flask==3.0.0\n"u8.ToArray()),
            ("src/App/App.csproj", "<Project><ItemGroup><PackageReference Include=\"Serilog\" Version=\"4.0.0\" /></ItemGroup></Project>"u8.ToArray()));

        var outcome = await TakeAsync(Limits(), commit);

        var document = JsonDocument.Parse(outcome.Sbom).RootElement;
        var purls = document.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("purl").GetString()).ToList();
        Assert.Contains("pkg:pypi/flask@3.0.0", purls);
        Assert.Contains("pkg:nuget/Serilog@4.0.0", purls);
        Assert.Contains("pkg:npm/webpack-sources@3.5.1", purls);
        var properties = document.GetProperty("metadata").GetProperty("properties").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString()!);
        Assert.Equal("4", properties["trustedoss:manifests_read"]);
        Assert.Equal("4", properties["trustedoss:file_count"]);
        Assert.True(long.Parse(properties["trustedoss:repository_bytes"], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    private static InventoryResult NpmLockfile(byte[] content) => TrustedOss.Scans.Inventory.Npm.NpmLockfile.Read("package-lock.json", content);

    private string Commit(params (string Path, byte[] Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            var file = Path.Combine(repository, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, content);
        }

        TestGit.Run(repository, "add", ".");
        TestGit.Run(repository, "commit", "--quiet", "-m", "files");
        return TestGit.Run(repository, "rev-parse", "HEAD").Trim();
    }

    public void Dispose() => Directory.Delete(repository, recursive: true);
}
