using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.TestHost;
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
    // Nor is loopback trusted unless listed (ASP.NET Core's defaults trust it).
    [InlineData("127.0.0.1", "203.0.113.9", "127.0.0.1")]
    [InlineData("::1", "203.0.113.9", "::1")]
    public async Task Only_a_trusted_proxy_names_the_client(string connectedFrom, string forwardedFor, string client) =>
        Assert.Equal(client, await ClientAddressAsync(["10.0.0.0/8"], connectedFrom, forwardedFor));

    [Fact]
    public async Task Without_trusted_proxies_no_header_is_believed() =>
        Assert.Equal("10.0.3.4", await ClientAddressAsync([], "10.0.3.4", "203.0.113.9"));

    [Theory]
    [InlineData(new[] { "10.0.0.0/8" }, "203.0.113.9")]
    [InlineData(new string[0], "10.0.3.4")]
    public async Task The_gateways_pipeline_reads_the_header_only_when_proxies_are_configured(string[] trusted, string client)
    {
        await using var app = await GatewayHostAsync(trusted);

        var context = await app.GetTestServer().SendAsync(request =>
        {
            request.Connection.RemoteIpAddress = IPAddress.Parse("10.0.3.4");
            request.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
        });

        Assert.Equal(client, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_a_network_stops_the_gateway_at_start()
    {
        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHostAsync(["10.0.0.0/8", "a-balancer"]));

        Assert.Contains("Gateway:TrustedProxies must list networks in CIDR notation", refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>A host set up as the gateway's start is, answering every request with the client address it took.</summary>
    private static async Task<WebApplication> GatewayHostAsync(string[] trusted)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        for (var i = 0; i < trusted.Length; i++)
        {
            builder.Configuration[$"{TrustedProxyOptions.SectionName}:TrustedProxies:{i}"] = trusted[i];
        }

        builder.AddTrustedProxies();
        var app = builder.Build();
        try
        {
            app.UseTrustedProxies();
            app.Run(context => context.Response.WriteAsync(context.Connection.RemoteIpAddress?.ToString() ?? ""));
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

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
