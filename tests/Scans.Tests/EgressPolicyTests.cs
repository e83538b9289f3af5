using System.Net;
using TrustedOss.Scans.Running.Egress;

namespace TrustedOss.Scans.Tests;

/// <summary>The address check alone: no address here is ever connected to.</summary>
public sealed class EgressPolicyTests
{
    private static readonly EgressPolicy Default = new([]);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("192.0.0.170")]
    [InlineData("198.18.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    public void Loopback_private_link_local_and_reserved_addresses_are_refused(string address) =>
        Assert.False(Default.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("140.82.112.3")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("128.0.0.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700::6810:84e5")]
    [InlineData("::ffff:140.82.112.3")]
    [InlineData("64:ff9b::8c52:7003")]
    public void Public_unicast_addresses_are_allowed(string address) =>
        Assert.True(Default.IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void An_allowed_network_opens_exactly_its_own_addresses()
    {
        var policy = new EgressPolicy([IPNetwork.Parse("10.20.0.0/16"), IPNetwork.Parse("127.0.0.2/32")]);

        Assert.True(policy.IsAllowed(IPAddress.Parse("10.20.3.4")));
        Assert.True(policy.IsAllowed(IPAddress.Parse("::ffff:10.20.3.4")));
        Assert.True(policy.IsAllowed(IPAddress.Parse("127.0.0.2")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("10.21.0.1")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("127.0.0.1")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("::1")));
    }
}
