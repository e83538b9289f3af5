using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TrustedOss.Contracts;
using TrustedOss.Scans.Running.Egress;

namespace TrustedOss.Scans.Running;

/// <summary>
/// Resolves a ref of a remote repository to a commit with <c>git ls-remote</c> (https, ssh, and
/// file:// where allowed): nothing is cloned. Before git runs, the URL is checked again and its
/// host resolved and judged by the <see cref="RepositoryEgress"/>; git is then pinned to that
/// address, may use only the URL's own transport, follows no redirect, gives up on a trickle,
/// never prompts and holds no credentials. What git says on failure goes to the log; the scan gets
/// a <see cref="ScanError"/>.
/// </summary>
public sealed partial class GitRefResolver(IOptions<ScanRunnerOptions> options, RepositoryEgress egress, ILogger<GitRefResolver> logger)
{
    /// <summary>git's home: empty, so no user config, credentials or ssh keys of the service account reach it.</summary>
    private readonly string home = Directory.CreateTempSubdirectory("trustedoss-git-").FullName;

    public sealed record Resolved(string CommitSha, string Ref);

    public async Task<Resolved> ResolveAsync(string repositoryUrl, string? requestedRef, CancellationToken cancellationToken) =>
        await ResolveAsync(await CheckAsync(repositoryUrl, requestedRef, cancellationToken), requestedRef, cancellationToken);

    /// <summary>The URL and ref checked again, and the address git may connect to: everything git runs against goes through here.</summary>
    public async Task<Remote> CheckAsync(string repositoryUrl, string? requestedRef, CancellationToken cancellationToken)
    {
        if (!GitUrl.IsValid(repositoryUrl) || (requestedRef is not null && !SafeRef().IsMatch(requestedRef))
            || RepositoryTarget.Parse(repositoryUrl) is not { } target)
        {
            throw new ScanFailedException(ScanError.InvalidRequest);
        }

        if (!target.IsNetwork && !options.Value.AllowFileRepositories)
        {
            throw new ScanFailedException(ScanError.TransportNotAllowed);
        }

        var address = target.IsNetwork ? await egress.CheckedAddressAsync(target, cancellationToken) : null;
        return new Remote(repositoryUrl, target, address);
    }

    /// <summary>
    /// The commit <paramref name="requestedRef"/> names, the default branch's when none. A commit id
    /// names itself without asking the repository: fetching it, the scan's next step, does (a dead
    /// URL fails there with repository_unreachable, a commit the repository lacks with
    /// commit_not_found), and each git process a scan spares is one fork and exec fewer.
    /// </summary>
    public async Task<Resolved> ResolveAsync(Remote remote, string? requestedRef, CancellationToken cancellationToken)
    {
        if (requestedRef is not null && FullSha().IsMatch(requestedRef))
        {
            return new Resolved(requestedRef.ToLowerInvariant(), requestedRef);
        }

        // An annotated tag's commit is listed as "<tag>^{}", which the plain pattern does not match.
        string[] patterns = requestedRef is null ? ["HEAD"] : [requestedRef, $"{requestedRef}^{{}}"];
        var lines = await LsRemoteAsync(remote, patterns, cancellationToken);
        return requestedRef is null ? DefaultBranch(lines) : Named(lines, requestedRef);
    }

    private static Resolved DefaultBranch(IReadOnlyList<string[]> lines)
    {
        var sha = lines.FirstOrDefault(l => l is [_, "HEAD"] && !IsSymbolic(l))?[0]
            ?? throw new ScanFailedException(ScanError.RepositoryEmpty);
        var symref = lines.FirstOrDefault(l => l is [_, "HEAD"] && IsSymbolic(l))?[0];
        var branch = symref is null ? "HEAD" : symref["ref: ".Length..].Replace("refs/heads/", "", StringComparison.Ordinal);
        return new Resolved(sha, branch);
    }

    private static Resolved Named(IReadOnlyList<string[]> lines, string requested)
    {
        // A branch wins over a tag of the same name; an annotated tag resolves to its commit (^{}),
        // whether it is named in full (refs/tags/v1, as tag pushes name it) or not. A symbolic ref
        // ("HEAD", a branch aliasing another) is listed twice, "ref: <target>" before its commit:
        // only the commit line names a commit.
        string[] candidates = [$"{requested}^{{}}", requested, $"refs/heads/{requested}", $"refs/tags/{requested}^{{}}", $"refs/tags/{requested}"];
        foreach (var candidate in candidates)
        {
            if (lines.FirstOrDefault(l => l.Length == 2 && l[1] == candidate && !IsSymbolic(l)) is { } line)
            {
                return new Resolved(line[0], requested);
            }
        }

        throw new ScanFailedException(ScanError.RefNotFound(requested));
    }

    /// <summary>A <c>--symref</c> line, "ref: &lt;target&gt;", which names the ref a symbolic ref points at, not a commit.</summary>
    private static bool IsSymbolic(string[] line) => line[0].StartsWith("ref: ", StringComparison.Ordinal);

    private async Task<IReadOnlyList<string[]>> LsRemoteAsync(Remote remote, string[] patterns, CancellationToken cancellationToken)
    {
        // "--" ends the options: nothing after it, the URL included, can be read as one.
        var start = Git(remote, ["ls-remote", "--symref", "--", remote.Url, .. patterns]);
        var result = await GitProcess.RunAsync(start, options.Value.MaxGitOutputBytes, options.Value.GitTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            // The URL holds no credentials: GitUrl refuses any, here as when the project was saved.
            logger.LogInformation("git ls-remote of {Repository} exited {ExitCode}: {GitError}", remote.Url, result.ExitCode, result.Error.Trim());
            throw new ScanFailedException(ScanError.RepositoryUnreachable);
        }

        return [.. result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))];
    }

    /// <summary>
    /// A git command against <paramref name="remote"/> with this runner's settings and environment
    /// (pinned address, no redirects, no credentials, empty home); the caller runs it with
    /// <see cref="GitProcess"/>.
    /// </summary>
    public ProcessStartInfo Git(Remote remote, IEnumerable<string> arguments)
    {
        // nice (coreutils) lowers git's CPU priority and then becomes git: one process, killed as one.
        var start = new ProcessStartInfo("nice");
        start.ArgumentList.Add($"--adjustment={options.Value.GitNiceness}");
        start.ArgumentList.Add("git");
        foreach (var setting in Settings(remote))
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(setting);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // git and ssh get a minimal environment: nothing of this service's own settings (connection
        // strings, signing keys) is in reach of a helper a repository URL might start.
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = home;
        start.Environment["LANG"] = "C";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ALLOW_PROTOCOL"] = remote.Target.Transport;
        if (remote.Target.Transport == RepositoryTarget.Ssh)
        {
            start.Environment["GIT_SSH_COMMAND"] = SshCommand(remote);
        }

        return start;
    }

    /// <summary>git settings for one run: pinned address, no redirects, no credential helpers, and a floor on transfer speed.</summary>
    private static IEnumerable<string> Settings(Remote remote)
    {
        yield return "credential.helper=";
        yield return "http.followRedirects=false";
        // A server that trickles (under 1 KB/s for 10 s) is given up long before the scan's timeout.
        yield return "http.lowSpeedLimit=1000";
        yield return "http.lowSpeedTime=10";
        if (remote.Target.Transport == RepositoryTarget.Https && remote.Address is { } address)
        {
            yield return $"http.curloptResolve={remote.Target.Host}:{remote.Target.Port}:{Bracketed(address)}";
        }
    }

    /// <summary>ssh connects to the checked address and verifies the host key under the URL's own host name.</summary>
    private string SshCommand(Remote remote) =>
        $"ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile={home}/known_hosts "
        + $"-o IdentitiesOnly=yes -o IdentityFile=none -o IdentityAgent=none -o ProxyCommand=none "
        + $"-o HostName={remote.Address} -o HostKeyAlias={remote.Target.Host}";

    private static string Bracketed(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    [GeneratedRegex(@"^[0-9a-fA-F]{40}\z")]
    private static partial Regex FullSha();

    /// <summary>
    /// A ref git can be handed as a pattern: no leading dash, no spaces or control characters, and
    /// no longer than the 1,024 bytes a webhook delivery may name (git limits each part of a ref,
    /// not the whole: a branch of several long parts is a branch a push can name).
    /// </summary>
    [GeneratedRegex(@"^[^-\s\p{C}][^\s\p{C}]{0,1023}\z")]
    private static partial Regex SafeRef();
}
