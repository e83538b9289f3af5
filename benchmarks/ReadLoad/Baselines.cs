using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.ReadLoad;

/// <summary>
/// The baselines measured in the same run: a bare Kestrel endpoint answering a small JSON body,
/// and YARP passing requests through to it (raw YARP: no authentication, no limits, no services
/// behind it). Both on loopback, in this process, idle while the other paths run. Raw YARP also
/// runs in a process of its own (<see cref="StandaloneYarp"/>), as the gateway does.
/// </summary>
internal sealed class Baselines : IAsyncDisposable
{
    private readonly WebApplication upstream;
    private readonly WebApplication proxy;

    private Baselines(WebApplication upstream, WebApplication proxy)
    {
        this.upstream = upstream;
        this.proxy = proxy;
    }

    public Uri Direct => new(upstream.Urls.First());

    public Uri Yarp => new(proxy.Urls.First());

    public static async Task<Baselines> StartAsync()
    {
        var upstreamBuilder = WebApplication.CreateSlimBuilder();
        upstreamBuilder.Logging.ClearProviders();
        upstreamBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        var upstream = upstreamBuilder.Build();
        upstream.MapGet("/ok", () => TypedResults.Text("""{"ok":true}""", "application/json"));
        // The second gateway's scans cluster: the same answer behind the gateway's own route.
        upstream.MapGet("/v1/scans/{**rest}", () => TypedResults.Text("""{"ok":true}""", "application/json"));
        await upstream.StartAsync();

        var proxy = await StartProxyAsync(upstream.Urls.First(), "http://127.0.0.1:0");
        return new Baselines(upstream, proxy);
    }

    /// <summary>Raw YARP on <paramref name="listenUrl"/>, passing every request through to <paramref name="upstream"/>.</summary>
    public static async Task<WebApplication> StartProxyAsync(string upstream, string listenUrl)
    {
        var proxyBuilder = WebApplication.CreateSlimBuilder();
        proxyBuilder.Logging.ClearProviders();
        proxyBuilder.WebHost.UseUrls(listenUrl);
        proxyBuilder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**rest}" } }],
            [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["one"] = new() { Address = upstream } } }]);
        var proxy = proxyBuilder.Build();
        proxy.MapReverseProxy();
        await proxy.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await proxy.DisposeAsync();
        await upstream.DisposeAsync();
    }
}
