using TrustedOss.Scans.Running.Egress;

namespace TrustedOss.Scans.Tests;

public sealed class RepositoryTargetTests
{
    [Theory]
    [InlineData("https://github.com/org/repo.git", "https", "github.com", 443)]
    [InlineData("https://git.example.org:8443/org/repo.git", "https", "git.example.org", 8443)]
    [InlineData("https://[2001:db8::1]/org/repo.git", "https", "2001:db8::1", 443)]
    [InlineData("ssh://git@gitlab.com/group/repo.git", "ssh", "gitlab.com", 22)]
    [InlineData("ssh://git@gitlab.com:2222/group/repo.git", "ssh", "gitlab.com", 2222)]
    [InlineData("git@github.com:org/repo.git", "ssh", "github.com", 22)]
    [InlineData("file:///srv/git/repo", "file", "", 0)]
    public void The_transport_host_and_port_git_would_use(string url, string transport, string host, int port) =>
        Assert.Equal(new RepositoryTarget(transport, host, port), RepositoryTarget.Parse(url));

    [Theory]
    [InlineData("http://github.com/org/repo.git")]
    [InlineData("ftp://github.com/org/repo.git")]
    [InlineData("not a url")]
    public void Other_transports_have_no_target(string url) => Assert.Null(RepositoryTarget.Parse(url));

    [Fact]
    public void An_address_literal_is_known_without_a_lookup()
    {
        Assert.Equal(System.Net.IPAddress.Parse("10.0.0.1"), RepositoryTarget.Parse("https://10.0.0.1/org/repo.git")!.Literal);
        Assert.Null(RepositoryTarget.Parse("https://github.com/org/repo.git")!.Literal);
    }
}
