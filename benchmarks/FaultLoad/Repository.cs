using System.Diagnostics;

namespace TrustedOss.FaultLoad;

/// <summary>An empty git repository with one commit on main, to scan.</summary>
internal static class Repository
{
    public static string CreateEmpty(string path)
    {
        Directory.CreateDirectory(path);
        Git(path, "init", "-q", "--initial-branch=main");
        Git(path, "-c", "user.name=load", "-c", "user.email=load@example.com", "commit", "-q", "--allow-empty", "-m", "first");
        return new Uri(path).AbsoluteUri;
    }

    private static void Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        git.WaitForExit();
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed with {git.ExitCode}.");
        }
    }
}
