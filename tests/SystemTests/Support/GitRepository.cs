using TrustedOss.TestSupport;

namespace TrustedOss.SystemTests.Support;

/// <summary>A real git repository in a temporary folder, with one commit on <c>main</c>.</summary>
internal sealed class GitRepository : IDisposable
{
    private GitRepository(string path, string headSha)
    {
        Path = path;
        HeadSha = headSha;
    }

    public string Path { get; }

    public string HeadSha { get; }

    public string FileUrl => $"file://{Path}";

    /// <summary>
    /// An https URL for a project whose scans never need to succeed: its host is a loopback
    /// address, which the scanner refuses before any lookup or connection, so no test traffic
    /// leaves the machine (a name like git.example.com would be looked up in DNS).
    /// </summary>
    public static string NeverContacted(string path) => $"https://127.0.0.1/{path}.git";

    public static GitRepository Create()
    {
        var path = TestGit.InitRepository("trustedoss-repo-", branch: "main");
        File.WriteAllText(System.IO.Path.Combine(path, "package.json"), """{"name":"demo","dependencies":{"left-pad":"1.3.0"}}""");
        TestGit.Run(path, "add", ".");
        TestGit.Run(path, "commit", "--quiet", "-m", "first");
        TestGit.Run(path, "tag", "v1.0.0");
        return new GitRepository(path, TestGit.Run(path, "rev-parse", "HEAD").Trim());
    }

    /// <summary>Adds branches <c>{prefix}0</c>…, each at <c>main</c>'s head; returns their names.</summary>
    public IReadOnlyList<string> Branches(string prefix, int count)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToList();
        foreach (var name in names)
        {
            TestGit.Run(Path, "branch", name);
        }

        return names;
    }

    /// <summary>Adds a commit on <c>main</c>; returns its sha.</summary>
    public string Commit(string message)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, "CHANGELOG"), message);
        TestGit.Run(Path, "add", ".");
        TestGit.Run(Path, "commit", "--quiet", "-m", message);
        return TestGit.Run(Path, "rev-parse", "HEAD").Trim();
    }

    /// <summary>Adds a commit on <c>main</c> that writes <paramref name="relativePath"/>; returns its sha.</summary>
    public string CommitFile(string relativePath, byte[] content)
    {
        var file = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, content);
        TestGit.Run(Path, "add", ".");
        TestGit.Run(Path, "commit", "--quiet", "-m", $"add {relativePath}");
        return TestGit.Run(Path, "rev-parse", "HEAD").Trim();
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
