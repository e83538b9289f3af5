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
    }

    public void Dispose() => Directory.Delete(repository, recursive: true);
}
