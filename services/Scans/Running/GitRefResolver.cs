using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace TrustedOss.Scans.Running;

/// <summary>A repository could not be read or the ref is not in it; the message is safe to show.</summary>
public sealed class GitRefException(string message) : Exception(message);

/// <summary>
/// Resolves a ref of a remote repository to a commit with <c>git ls-remote</c> (https, ssh, and
/// file:// where allowed): nothing is cloned. No prompt can hang a run, and the transports git may
/// use are pinned so a repository URL cannot smuggle in another (ext::, fd::).
/// </summary>
public sealed partial class GitRefResolver(IOptions<ScanRunnerOptions> options)
{
    public sealed record Resolved(string CommitSha, string Ref);

    public async Task<Resolved> ResolveAsync(string repositoryUrl, string? requestedRef, CancellationToken cancellationToken)
    {
        var isFile = repositoryUrl.StartsWith("file://", StringComparison.OrdinalIgnoreCase);
        if (isFile && !options.Value.AllowFileRepositories)
        {
            throw new GitRefException("file:// repositories are not allowed on this server.");
        }

        if (requestedRef is not null && FullSha().IsMatch(requestedRef))
        {
            // A commit id names itself; the repository is still asked, so a dead URL fails the scan.
            await LsRemoteAsync(repositoryUrl, ["HEAD"], isFile, cancellationToken);
            return new Resolved(requestedRef.ToLowerInvariant(), requestedRef);
        }

        // An annotated tag's commit is listed as "<tag>^{}", which the plain pattern does not match.
        string[] patterns = requestedRef is null ? ["HEAD"] : [requestedRef, $"{requestedRef}^{{}}"];
        var lines = await LsRemoteAsync(repositoryUrl, patterns, isFile, cancellationToken);
        return requestedRef is null ? DefaultBranch(lines) : Named(lines, requestedRef);
    }

    private static Resolved DefaultBranch(IReadOnlyList<string[]> lines)
    {
        var sha = lines.FirstOrDefault(l => l is [_, "HEAD"] && !l[0].StartsWith("ref:", StringComparison.Ordinal))?[0]
            ?? throw new GitRefException("The repository has no default branch (is it empty?).");
        var symref = lines.FirstOrDefault(l => l is [var target, "HEAD"] && target.StartsWith("ref: ", StringComparison.Ordinal))?[0];
        var branch = symref is null ? "HEAD" : symref["ref: ".Length..].Replace("refs/heads/", "", StringComparison.Ordinal);
        return new Resolved(sha, branch);
    }

    private static Resolved Named(IReadOnlyList<string[]> lines, string requested)
    {
        // A branch wins over a tag of the same name; an annotated tag resolves to its commit (^{}).
        string[] candidates = [requested, $"refs/heads/{requested}", $"refs/tags/{requested}^{{}}", $"refs/tags/{requested}"];
        foreach (var candidate in candidates)
        {
            if (lines.FirstOrDefault(l => l.Length == 2 && l[1] == candidate) is { } line)
            {
                return new Resolved(line[0], requested);
            }
        }

        throw new GitRefException($"The ref '{requested}' is not in the repository.");
    }

    private async Task<IReadOnlyList<string[]>> LsRemoteAsync(string url, string[] patterns, bool isFile, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "ls-remote", "--symref", url },
        };
        foreach (var pattern in patterns)
        {
            start.ArgumentList.Add(pattern);
        }

        // git and ssh get a minimal environment: nothing of this service's own settings (connection
        // strings, signing keys) is in reach of a helper a repository URL might start.
        var path = Environment.GetEnvironmentVariable("PATH");
        var home = Environment.GetEnvironmentVariable("HOME") ?? Path.GetTempPath();
        start.Environment.Clear();
        start.Environment["PATH"] = path;
        start.Environment["HOME"] = home;
        start.Environment["LANG"] = "C";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ALLOW_PROTOCOL"] = isFile ? "file" : "https:ssh";
        start.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.GitTimeout);
        using var process = Process.Start(start) ?? throw new GitRefException("git could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new GitRefException($"The repository did not answer within {options.Value.GitTimeout.TotalSeconds:0} seconds.");
        }

        if (process.ExitCode != 0)
        {
            // git's first "fatal:" line is the cause; what follows is generic advice.
            var lines = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var reason = (lines.FirstOrDefault(l => l.StartsWith("fatal: ", StringComparison.Ordinal)) ?? lines.FirstOrDefault())
                ?.Replace("fatal: ", "", StringComparison.Ordinal);
            throw new GitRefException($"Could not read the repository {Redact(url)}: {Redact(reason ?? $"git exited {process.ExitCode}")}");
        }

        return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))];
    }

    /// <summary>Credentials in a URL (https://user:token@host) never reach a scan's error message.</summary>
    private static string Redact(string text) => UserInfo().Replace(text, "://***@");

    [GeneratedRegex(@"^[0-9a-fA-F]{40}\z")]
    private static partial Regex FullSha();

    [GeneratedRegex("://[^/@\\s]+@")]
    private static partial Regex UserInfo();
}
