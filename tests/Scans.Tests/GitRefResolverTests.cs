using Microsoft.Extensions.Options;
using TrustedOss.Scans.Running;
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

    private static GitRefResolver Resolver(bool allowFile = true) =>
        new(Options.Create(new ScanRunnerOptions { AllowFileRepositories = allowFile, GitTimeout = TimeSpan.FromSeconds(30) }));

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
    public async Task File_repositories_are_refused_unless_allowed()
    {
        var error = await Assert.ThrowsAsync<GitRefException>(() => Resolver(allowFile: false).ResolveAsync($"file://{repository}", null, CancellationToken.None));

        Assert.Contains("not allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_in_the_url_never_reach_the_message()
    {
        var error = await Assert.ThrowsAsync<GitRefException>(() =>
            Resolver().ResolveAsync("https://user:s3cret-token@127.0.0.1:1/org/repo.git", null, CancellationToken.None));

        Assert.DoesNotContain("s3cret-token", error.Message, StringComparison.Ordinal);
        Assert.Contains("://***@", error.Message, StringComparison.Ordinal);
        // git was allowed https for an https repository, and tried to connect.
        Assert.Contains("unable to access", error.Message, StringComparison.Ordinal);
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

    [Fact]
    public async Task A_full_sha_names_itself_but_the_repository_is_still_asked()
    {
        var resolved = await Resolver().ResolveAsync($"file://{repository}", head.ToUpperInvariant(), CancellationToken.None);
        Assert.Equal(new GitRefResolver.Resolved(head, head.ToUpperInvariant()), resolved);

        var error = await Assert.ThrowsAsync<GitRefException>(() => Resolver().ResolveAsync("file:///nonexistent/repo", head, CancellationToken.None));
        Assert.StartsWith("Could not read the repository", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_ref_is_named_in_the_error()
    {
        var error = await Assert.ThrowsAsync<GitRefException>(() => Resolver().ResolveAsync($"file://{repository}", "nope", CancellationToken.None));

        Assert.Equal("The ref 'nope' is not in the repository.", error.Message);
    }

    [Fact]
    public async Task An_empty_repository_has_no_default_branch()
    {
        var empty = TestGit.InitRepository("resolver-empty-", branch: "main");
        try
        {
            var error = await Assert.ThrowsAsync<GitRefException>(() => Resolver().ResolveAsync($"file://{empty}", null, CancellationToken.None));
            Assert.Equal("The repository has no default branch (is it empty?).", error.Message);
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
    public async Task A_missing_repository_gets_gits_own_reason()
    {
        var error = await Assert.ThrowsAsync<GitRefException>(() => Resolver().ResolveAsync("file:///nonexistent/repo", null, CancellationToken.None));

        Assert.Equal("Could not read the repository file:///nonexistent/repo: '/nonexistent/repo' does not appear to be a git repository", error.Message);
    }

    [Fact]
    public async Task A_repository_that_never_answers_is_given_up_after_the_timeout()
    {
        using var silent = new SilentServer();
        var resolver = new GitRefResolver(Options.Create(new ScanRunnerOptions { GitTimeout = TimeSpan.FromSeconds(1) }));

        var error = await Assert.ThrowsAsync<GitRefException>(() => resolver.ResolveAsync(silent.RepositoryUrl, null, CancellationToken.None));

        Assert.Equal("The repository did not answer within 1 seconds.", error.Message);
    }

    [Fact]
    public async Task A_cancelled_scan_stops_git_and_says_so()
    {
        using var silent = new SilentServer();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Resolver().ResolveAsync(silent.RepositoryUrl, null, cancel.Token));
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
