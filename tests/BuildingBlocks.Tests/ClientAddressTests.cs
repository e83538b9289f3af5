using System.Net;
using TrustedOss.Credentials.RateLimits;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    [InlineData("unknown", "unknown")]
    public void Ipv4_counts_per_address_and_ipv6_per_64(string address, string key) => Assert.Equal(key, ClientAddress.LimitKey(address));

    [Fact]
    public void A_parsed_address_counts_as_its_text_does_and_a_missing_one_as_unknown()
    {
        Assert.Equal("2001:db8:1:2::/64", ClientAddress.LimitKey(IPAddress.Parse("2001:db8:1:2:3:4:5:6")));
        Assert.Equal("203.0.113.7", ClientAddress.LimitKey(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.Equal("unknown", ClientAddress.LimitKey((IPAddress?)null));
    }
}
