using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TrustedOss.Gateway.Tests;

/// <summary>Which address the gateway takes as the client's: addresses here are only parsed, never connected to.</summary>
public sealed class TrustedProxyTests
{
    [Theory]
    // A trusted load balancer names the client.
    [InlineData("10.0.3.4", "203.0.113.9", "203.0.113.9")]
    // A client that forged its own header behind the balancer: the balancer's own entry wins.
    [InlineData("10.0.3.4", "198.51.100.1, 203.0.113.9", "203.0.113.9")]
    // Two trusted hops: the address before them.
    [InlineData("10.0.3.4", "203.0.113.9, 10.0.9.9", "203.0.113.9")]
    // A connection from outside the trusted networks: its header is ignored.
    [InlineData("198.51.100.7", "203.0.113.9", "198.51.100.7")]
    public async Task Only_a_trusted_proxy_names_the_client(string connectedFrom, string forwardedFor, string client) =>
        Assert.Equal(client, await ClientAddressAsync(["10.0.0.0/8"], connectedFrom, forwardedFor));

    [Fact]
    public async Task Without_trusted_proxies_no_header_is_believed() =>
        Assert.Equal("10.0.3.4", await ClientAddressAsync([], "10.0.3.4", "203.0.113.9"));

    private static async Task<string> ClientAddressAsync(string[] trusted, string connectedFrom, string forwardedFor)
    {
        var options = new ForwardedHeadersOptions();
        TrustedProxies.Configure(options, new TrustedProxyOptions { TrustedProxies = trusted });
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(connectedFrom);
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        IPAddress? seen = null;

        await new ForwardedHeadersMiddleware(c => { seen = c.Connection.RemoteIpAddress; return Task.CompletedTask; },
            NullLoggerFactory.Instance, Options.Create(options)).Invoke(context);

        return seen!.ToString();
    }
}
