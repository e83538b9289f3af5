using TrustedOss.Web.Session;

namespace TrustedOss.Web.Tests;

public sealed class LocalUrlTests
{
    [Theory]
    [InlineData("/integrations")]
    [InlineData("/")]
    [InlineData("/admin/audit?page=2")]
    public void A_path_on_this_site_is_kept(string url) => Assert.Equal(url, LocalUrl.Or(url, "/fallback"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("integrations")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/integrations\r\nSet-Cookie: x=1")]
    public void Anything_else_goes_to_the_fallback(string? url) => Assert.Equal("/fallback", LocalUrl.Or(url, "/fallback"));
}
