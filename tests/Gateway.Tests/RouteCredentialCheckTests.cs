using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TrustedOss.Gateway.Authentication;
using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.Gateway.Tests;

/// <summary>The gateway does not start with a route that does not say which credential it takes.</summary>
public sealed class RouteCredentialCheckTests
{
    private readonly RouteCredentialCheck check = new();

    [Theory]
    [InlineData("none", RouteCredential.None)]
    [InlineData("people", RouteCredential.People)]
    [InlineData("ci", RouteCredential.Ci)]
    [InlineData("api-key", RouteCredential.ApiKey)]
    public async Task A_route_naming_its_credential_loads_and_takes_it(string name, RouteCredential credential)
    {
        var route = Route(new Dictionary<string, string> { ["Credential"] = name });

        Assert.Same(route, await check.ConfigureRouteAsync(route, null, CancellationToken.None));
        Assert.Equal(credential, RouteCredentials.Of(route));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("People")]
    [InlineData("anonymous")]
    public async Task A_route_without_a_known_credential_stops_the_gateway(string? name)
    {
        var route = Route(name is null ? null : new Dictionary<string, string> { ["Credential"] = name });

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => check.ConfigureRouteAsync(route, null, CancellationToken.None).AsTask());
        Assert.Contains("'scans'", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(RouteCredential.Unknown, RouteCredentials.Of(route));
    }

    [Fact]
    public async Task A_route_naming_an_authorization_policy_stops_the_gateway_even_with_a_credential()
    {
        var route = Route(new Dictionary<string, string> { ["Credential"] = "ci" }) with { AuthorizationPolicy = "anonymous" };

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => check.ConfigureRouteAsync(route, null, CancellationToken.None).AsTask());
        Assert.Contains("'scans' names an authorization policy", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_with_such_a_route_does_not_start()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddReverseProxy()
            .LoadFromMemory([Route(null)], [new ClusterConfig { ClusterId = "scans" }])
            .AddConfigFilter<RouteCredentialCheck>();
        await using var app = builder.Build();

        // The proxy loads its configuration as its routes are mapped, before the host starts.
        var refusal = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            app.MapReverseProxy();
            await app.StartAsync();
        });
        Assert.Contains("Metadata:Credential", refusal.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RouteCredential.None, false, false)]
    [InlineData(RouteCredential.People, false, true)]
    [InlineData(RouteCredential.Ci, true, true)]
    [InlineData(RouteCredential.ApiKey, true, false)]
    [InlineData(RouteCredential.Unknown, false, false)]
    public void Each_credential_takes_its_own_kinds(RouteCredential credential, bool apiKeys, bool accessTokens)
    {
        Assert.Equal(apiKeys, credential.TakesApiKeys());
        Assert.Equal(accessTokens, credential.TakesAccessTokens());
    }

    private static RouteConfig Route(IReadOnlyDictionary<string, string>? metadata) => new()
    {
        RouteId = "scans",
        ClusterId = "scans",
        Match = new RouteMatch { Path = "/v1/scans/{**rest}" },
        Metadata = metadata,
    };
}
