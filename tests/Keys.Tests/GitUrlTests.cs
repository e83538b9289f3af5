using TrustedOss.Contracts;

namespace TrustedOss.Keys.Tests;

public sealed class GitUrlTests
{
    [Theory]
    [InlineData("https://github.com/org/repo.git")]
    [InlineData("ssh://git@gitlab.com/group/sub/repo.git")]
    [InlineData("git@github.com:org/repo.git")]
    [InlineData("file:///srv/git/repo")]
    public void Accepts_repository_addresses(string url) => Assert.True(GitUrl.IsValid(url));

    [Theory]
    [InlineData("")]
    [InlineData("ext::sh -c touch% /tmp/pwned")]
    [InlineData("-uhelp")]
    [InlineData("https://github.com/")]
    [InlineData("ftp://example.com/repo")]
    [InlineData("/srv/git/repo")]
    [InlineData("https://github.com/org/repo .git")]
    [InlineData("https://user:token@github.com/org/repo.git")]
    [InlineData("https://token@github.com/org/repo.git")]
    [InlineData("ssh://git:secret@gitlab.com/group/repo.git")]
    [InlineData("http://github.com/org/repo.git")]
    [InlineData("git://github.com/org/repo.git")]
    [InlineData("file:///")]
    [InlineData("ssh://git@gitlab.com/")]
    // git and curl end the host part at the first '/', so they would take the host after the '@'
    // (git.corp.internal), one no check saw: a backslash or an encoded one before it is refused.
    [InlineData(@"https://github.com\@git.corp.internal/team/repo.git")]
    [InlineData(@"ssh://github.com\@git.corp.internal/team/repo.git")]
    [InlineData("https://github.com%5C@git.corp.internal/team/repo.git")]
    public void Refuses_anything_else(string url) => Assert.False(GitUrl.IsValid(url));

    [Fact]
    public void Takes_addresses_up_to_2048_characters()
    {
        const string start = "https://git.example.com/";
        Assert.True(GitUrl.IsValid(start + new string('a', 2048 - start.Length)));
        Assert.False(GitUrl.IsValid(start + new string('a', 2049 - start.Length)));
    }
}
