using System.Net;
using Microsoft.Extensions.Options;
using TrustedOss.Scans.Running;
using TrustedOss.Scans.Running.Egress;
using TrustedOss.TestSupport;

namespace TrustedOss.Scans.Tests;

/// <summary>Runs real git against a repository made on disk.</summary>
public sealed class GitRefResolverTests : IDisposable
{
    private readonly string repository = TestGit.InitRepository("resolver-", branch: "trunk");
    private readonly string head;

    public GitRefResolverTests()
    {
        File.WriteAllText(Path.Combine(repository, "a.txt"), "a");
        TestGit.Run(repository, "add", ".");
        TestGit.Run(repository, "commit", "--quiet", "-m", "a");
        TestGit.Run(repository, "tag", "-a", "v2", "-m", "annotated");
        head = TestGit.Run(repository, "rev-parse", "HEAD").Trim();
    }

    private readonly ListLogger<GitRefResolver> log = new();

    private GitRefResolver Resolver(bool allowFile = true, ScanRunnerOptions? options = null, ResolveHost? dns = null, params string[] allowed) =>
        new(Options.Create(options ?? new ScanRunnerOptions { AllowFileRepositories = allowFile, GitTimeout = TimeSpan.FromSeconds(30) }),
            new RepositoryEgress(new EgressPolicy(allowed.Select(n => IPNetwork.Parse(n))), dns ?? Dns.GetHostAddressesAsync),
            log);

    private static async Task<ScanError> FailureAsync(Task resolving) =>
        (await Assert.ThrowsAsync<ScanFailedException>(() => resolving)).Error;

    [Fact]
    public async Task The_default_branch_is_found_by_name()
    {
        var resolved = await Resolver().ResolveAsync($"file://{repository}", null, CancellationToken.None);

        Assert.Equal(new GitRefResolver.Resolved(head, "trunk"), resolved);
    }

    [Fact]
    public async Task An_annotated_tag_resolves_to_its_commit_not_the_tag_object()
    {
        var resolved = await Resolver().ResolveAsync($"file://{repository}", "v2", CancellationToken.None);

        Assert.Equal(head, resolved.CommitSha);
    }

    [Fact]
    public async Task An_annotated_tag_named_in_full_resolves_to_its_commit_not_the_tag_object()
    {
        // As a tag push names it.
        var resolved = await Resolver().ResolveAsync($"file://{repository}", "refs/tags/v2", CancellationToken.None);

        Assert.Equal((head, "refs/tags/v2"), (resolved.CommitSha, resolved.Ref));
    }

    [Fact]
    public async Task File_repositories_are_refused_unless_allowed()
    {
        var error = await FailureAsync(Resolver(allowFile: false).ResolveAsync($"file://{repository}", null, CancellationToken.None));

        Assert.Equal(ScanError.TransportNotAllowed, error);
    }

    [Fact]
    public async Task A_refused_connection_is_logged_with_gits_reason_and_the_scan_gets_a_fixed_text()
    {
        // Nothing listens on port 1; 127.0.0.1 is opened for this test only, so git does try.
        var resolver = Resolver(allowed: "127.0.0.1/32");
        var error = await FailureAsync(resolver.ResolveAsync("https://127.0.0.1:1/org/repo.git", null, CancellationToken.None));

        Assert.Equal(ScanError.RepositoryUnreachable, error);
        var logged = Assert.Single(log.Messages);
        Assert.Contains("https://127.0.0.1:1/org/repo.git", logged, StringComparison.Ordinal);
        Assert.Contains("Failed to connect to 127.0.0.1 port 1", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_branch_other_than_the_default_resolves_to_its_tip()
    {
        var tip = CommitOn("feature");

        var resolved = await Resolver().ResolveAsync($"file://{repository}", "feature", CancellationToken.None);

        Assert.Equal(new GitRefResolver.Resolved(tip, "feature"), resolved);
    }

    [Fact]
    public async Task A_lightweight_tag_resolves_to_its_commit()
    {
        TestGit.Run(repository, "tag", "v1-light");

        Assert.Equal(head, (await Resolver().ResolveAsync($"file://{repository}", "v1-light", CancellationToken.None)).CommitSha);
    }

    [Fact]
    public async Task A_branch_wins_over_a_tag_of_the_same_name()
    {
        TestGit.Run(repository, "tag", "release");
        var tip = CommitOn("release");

        Assert.Equal(tip, (await Resolver().ResolveAsync($"file://{repository}", "release", CancellationToken.None)).CommitSha);
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("stable")]
    public async Task A_symbolic_ref_resolves_to_the_commit_it_points_at(string name)
    {
        // "stable" aliases the default branch, as "HEAD" does.
        TestGit.Run(repository, "symbolic-ref", "refs/heads/stable", "refs/heads/trunk");

        var resolved = await Resolver().ResolveAsync($"file://{repository}", name, CancellationToken.None);

        Assert.Equal(new GitRefResolver.Resolved(head, name), resolved);
    }

    [Fact]
    public async Task A_full_sha_names_itself_and_git_is_not_run_for_it()
    {
        var resolved = await Resolver().ResolveAsync($"file://{repository}", head.ToUpperInvariant(), CancellationToken.None);
        Assert.Equal(new GitRefResolver.Resolved(head, head.ToUpperInvariant()), resolved);

        // The fetch that follows asks the repository (CommitInventoryTests).
        Assert.Equal(head, (await Resolver().ResolveAsync("file:///nonexistent/repo", head, CancellationToken.None)).CommitSha);
        Assert.Empty(log.Messages);
    }

    [Fact]
    public async Task A_missing_ref_is_named_in_the_error()
    {
        var error = await FailureAsync(Resolver().ResolveAsync($"file://{repository}", "nope", CancellationToken.None));

        Assert.Equal(new ScanError("ref_not_found", "The ref 'nope' is not in the repository."), error);
    }

    [Fact]
    public async Task An_empty_repository_has_no_default_branch()
    {
        var empty = TestGit.InitRepository("resolver-empty-", branch: "main");
        try
        {
            Assert.Equal(ScanError.RepositoryEmpty, await FailureAsync(Resolver().ResolveAsync($"file://{empty}", null, CancellationToken.None)));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task A_detached_head_resolves_to_its_commit_by_the_name_head()
    {
        var tip = CommitOn("feature");
        TestGit.Run(repository, "checkout", "--quiet", "--detach", tip);

        Assert.Equal(new GitRefResolver.Resolved(tip, "HEAD"), await Resolver().ResolveAsync($"file://{repository}", null, CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_repository_is_unreachable_and_gits_own_reason_is_logged()
    {
        var error = await FailureAsync(Resolver().ResolveAsync("file:///nonexistent/repo", null, CancellationToken.None));

        Assert.Equal(new ScanError("repository_unreachable", "The repository could not be read: it does not exist, it is not public, or its host refused."), error);
        Assert.Contains("'/nonexistent/repo' does not appear to be a git repository", Assert.Single(log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repository_that_never_answers_is_given_up_after_the_timeout()
    {
        using var silent = new SilentServer();
        var resolver = Resolver(options: new ScanRunnerOptions { GitTimeout = TimeSpan.FromSeconds(1) }, allowed: "127.0.0.1/32");

        var error = await FailureAsync(resolver.ResolveAsync(silent.RepositoryUrl, null, CancellationToken.None));

        Assert.Equal(new ScanError("timeout", "The repository did not answer within 1 seconds."), error);
    }

    [Fact]
    public async Task A_cancelled_scan_stops_git_and_says_so()
    {
        using var silent = new SilentServer();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Resolver(allowed: "127.0.0.1/32").ResolveAsync(silent.RepositoryUrl, null, cancel.Token));
    }

    [Theory]
    [InlineData("https://127.0.0.1:{0}/org/repo.git")]
    [InlineData("https://localhost:{0}/org/repo.git")]
    [InlineData("https://[::1]:{0}/org/repo.git")]
    [InlineData("ssh://git@127.0.0.1:{0}/org/repo.git")]
    [InlineData("git@localhost:org/repo.git")]
    public async Task A_loopback_repository_is_refused_before_git_connects(string url)
    {
        using var listening = new SilentServer();

        var error = await FailureAsync(Resolver().ResolveAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, url, listening.Port), null, CancellationToken.None));

        Assert.Equal(ScanError.AddressNotAllowed, error);
        Assert.Equal(0, listening.Connections);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("fd00::1")]
    public async Task A_name_resolving_to_a_private_address_is_refused_without_a_connection(string address)
    {
        // The lookup is answered here: nothing is asked of DNS and nothing connects anywhere.
        var error = await FailureAsync(Resolver(dns: (_, _) => Task.FromResult(new[] { IPAddress.Parse(address) }))
            .ResolveAsync("https://git.internal.test/org/repo.git", null, CancellationToken.None));

        Assert.Equal(ScanError.AddressNotAllowed, error);
    }

    [Fact]
    public async Task One_private_answer_among_public_ones_refuses_the_repository()
    {
        ResolveHost dns = (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.7") });

        Assert.Equal(ScanError.AddressNotAllowed, await FailureAsync(Resolver(dns: dns).ResolveAsync("https://mixed.test/org/repo.git", null, CancellationToken.None)));
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_classified()
    {
        ResolveHost dns = (_, _) => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);

        Assert.Equal(ScanError.HostNotFound, await FailureAsync(Resolver(dns: dns).ResolveAsync("https://gone.test/org/repo.git", null, CancellationToken.None)));
    }

    [Fact]
    public async Task Git_connects_to_the_checked_address_not_to_its_own_lookup()
    {
        // "pinned.test" exists only in this resolver; git could not find it on its own. It answers
        // an address of an allowed network, and git's connection arrives there.
        // git is given long enough to start and connect on a busy machine; its connection, made
        // just before the timeout, may be accepted just after it.
        using var silent = new SilentServer(IPAddress.Parse("127.0.0.3"));
        var resolver = Resolver(options: new ScanRunnerOptions { GitTimeout = TimeSpan.FromSeconds(5) },
            dns: (_, _) => Task.FromResult(new[] { silent.Address }), allowed: "127.0.0.3/32");

        var error = await FailureAsync(resolver.ResolveAsync($"https://pinned.test:{silent.Port}/org/repo.git", null, CancellationToken.None));

        Assert.Equal("timeout", error.Code);
        await Eventually.ValueAsync(() => Task.FromResult(silent.Connections > 0 ? "connected" : null), TimeSpan.FromSeconds(5),
            "git's connection to the pinned address");
    }

    [Fact]
    public async Task An_answer_larger_than_the_bound_fails_the_scan()
    {
        // Every "*/main" branch matches the pattern "main": the listing outgrows a 1 KiB bound.
        for (var i = 0; i < 40; i++)
        {
            TestGit.Run(repository, "branch", $"team-{i}/main");
        }

        var resolver = Resolver(options: new ScanRunnerOptions { AllowFileRepositories = true, MaxGitOutputBytes = 1024 });

        Assert.Equal(ScanError.AnswerTooLarge, await FailureAsync(resolver.ResolveAsync($"file://{repository}", "main", CancellationToken.None)));
        Assert.Equal(head, (await Resolver().ResolveAsync($"file://{repository}", "team-1/main", CancellationToken.None)).CommitSha);
    }

    [Fact]
    public async Task A_branch_named_longer_than_any_one_part_of_a_ref_may_be_is_scanned_as_a_push_names_it()
    {
        // Each part under git's 255 bytes, the whole 311: what a webhook delivery may name (up to 1,024 bytes).
        var branch = "feature/" + string.Join('/', Enumerable.Range(0, 3).Select(i => new string((char)('a' + i), 100)));
        TestGit.Run(repository, "checkout", "--quiet", "-b", branch);
        TestGit.Run(repository, "commit", "--quiet", "--allow-empty", "-m", "long");
        var tip = TestGit.Run(repository, "rev-parse", "HEAD").Trim();
        TestGit.Run(repository, "checkout", "--quiet", "trunk");

        var resolved = await Resolver().ResolveAsync($"file://{repository}", "refs/heads/" + branch, CancellationToken.None);

        Assert.Equal(tip, resolved.CommitSha);
    }

    [Theory]
    [InlineData("file:///srv/repo", "--upload-pack=touch /tmp/pwned")]
    [InlineData("file:///srv/repo", "main\nHEAD")]
    [InlineData("--upload-pack=touch /tmp/pwned", null)]
    [InlineData("ext::sh -c touch% /tmp/pwned", null)]
    [InlineData("https://user:token@github.com/org/repo.git", null)]
    public async Task A_url_or_ref_no_project_could_have_is_refused_before_git_runs(string url, string? gitRef)
    {
        Assert.Equal(ScanError.InvalidRequest, await FailureAsync(Resolver().ResolveAsync(url, gitRef, CancellationToken.None)));
        Assert.Empty(log.Messages);
    }

    [Fact]
    public async Task Git_sees_none_of_the_services_own_environment()
    {
        // Configuration in this process's environment would send git elsewhere; it must not reach git.
        string[] names = ["GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"];
        Environment.SetEnvironmentVariable(names[0], "1");
        Environment.SetEnvironmentVariable(names[1], $"url.file:///nonexistent/.insteadOf");
        Environment.SetEnvironmentVariable(names[2], $"file://{repository}");
        try
        {
            Assert.Equal(head, (await Resolver().ResolveAsync($"file://{repository}", null, CancellationToken.None)).CommitSha);
        }
        finally
        {
            foreach (var name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(0)]
    public async Task Git_runs_at_the_configured_niceness(int niceness)
    {
        var resolver = Resolver(options: new ScanRunnerOptions { AllowFileRepositories = true, GitNiceness = niceness });
        var remote = await resolver.CheckAsync($"file://{repository}", null, CancellationToken.None);
        // A shell alias reports its own process's niceness (field 19 of /proc/<pid>/stat), which git's children inherit.
        var start = resolver.Git(remote, ["-c", "alias.niceness=!awk '{print $19}' /proc/$$/stat", "niceness"]);

        var result = await GitProcess.RunAsync(start, 1024, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Math.Min(19, Nice() + niceness), int.Parse(result.Text.Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Git_that_cannot_be_run_is_the_servers_fault_not_the_repositorys()
    {
        var start = new System.Diagnostics.ProcessStartInfo("nice");
        start.ArgumentList.Add("trustedoss-no-such-git");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => GitProcess.RunAsync(start, 1024, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Contains("exit 127", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>This test process's own niceness, which git's adds to.</summary>
    private static int Nice()
    {
        // Fields after the command name (which may hold ")"); niceness is the 19th field in all.
        var stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => Directory.Delete(repository, recursive: true);

    /// <summary>A new commit on <paramref name="branch"/> (created from the current one); the default branch stays checked out.</summary>
    private string CommitOn(string branch)
    {
        TestGit.Run(repository, "checkout", "--quiet", "-b", branch);
        File.WriteAllText(Path.Combine(repository, $"{branch}.txt"), branch);
        TestGit.Run(repository, "add", ".");
        TestGit.Run(repository, "commit", "--quiet", "-m", branch);
        var tip = TestGit.Run(repository, "rev-parse", "HEAD").Trim();
        TestGit.Run(repository, "checkout", "--quiet", "trunk");
        return tip;
    }
}
