using System.Diagnostics;

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

    public static GitRepository Create()
    {
        var path = Directory.CreateTempSubdirectory("trustedoss-repo-").FullName;
        Git(path, "init", "--quiet", "--initial-branch=main");
        File.WriteAllText(System.IO.Path.Combine(path, "package.json"), """{"name":"demo","dependencies":{"left-pad":"1.3.0"}}""");
        Git(path, "add", ".");
        Git(path, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "first");
        Git(path, "tag", "v1.0.0");
        return new GitRepository(path, Git(path, "rev-parse", "HEAD").Trim());
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }
}
