using System.Diagnostics;

namespace TrustedOss.TestSupport;

/// <summary>
/// Runs git for test setup exactly the same way on every machine: none of the machine's or the
/// user's git configuration is read (identity, default branch, signing, hooks, url rewrites), and
/// any non-zero exit fails the test at once with git's own message.
/// </summary>
public static class TestGit
{
    /// <summary>Runs <c>git <paramref name="arguments"/></c> in <paramref name="directory"/> and returns its standard output.</summary>
    public static string Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result.Trim()}");
    }

    /// <summary>A new repository in a temporary folder whose first branch is <paramref name="branch"/>.</summary>
    public static string InitRepository(string prefix, string branch)
    {
        var path = Directory.CreateTempSubdirectory(prefix).FullName;
        Run(path, "init", "--quiet", $"--initial-branch={branch}");
        return path;
    }

    /// <summary>
    /// No global or system configuration, a fixed identity and clock-independent settings; the
    /// repository's own config (written by the test) is the only one git sees.
    /// </summary>
    private static readonly (string Name, string Value)[] Environment =
    [
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_AUTHOR_NAME", "TrustedOSS Tests"),
        ("GIT_AUTHOR_EMAIL", "tests@trustedoss.invalid"),
        ("GIT_COMMITTER_NAME", "TrustedOSS Tests"),
        ("GIT_COMMITTER_EMAIL", "tests@trustedoss.invalid"),
        ("GIT_TERMINAL_PROMPT", "0"),
        ("LANG", "C"),
    ];
}
