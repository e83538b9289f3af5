using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace TrustedOss.Gateway;

public sealed class TrustedProxyOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Networks (CIDR) of the load balancers in front of the gateway whose X-Forwarded-For is
    /// believed. Empty by default: the gateway is the edge and takes each connection's own address.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];
}

/// <summary>
/// The client address every limit and record uses (login attempts, failed keys, webhook
/// deliveries, last_used_ip). A client's own X-Forwarded-For is never believed: only a hop from a
/// configured trusted proxy may name the address before it, hop by hop from the right.
/// </summary>
internal static class TrustedProxies
{
    public static void AddTrustedProxies(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrustedProxyOptions>()
            .BindConfiguration(TrustedProxyOptions.SectionName)
            .Validate(o => o.TrustedProxies.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Gateway:TrustedProxies must list networks in CIDR notation (10.0.0.0/8).")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) => Configure(forwarded, trusted.Value));
    }

    public static void Configure(ForwardedHeadersOptions forwarded, TrustedProxyOptions trusted)
    {
        // With no known proxy at all the middleware would believe anyone, so then it reads nothing.
        // The scheme too: behind a TLS-terminating balancer, the web page marks its cookie Secure.
        forwarded.ForwardedHeaders = trusted.TrustedProxies.Length > 0 ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
        // Each trusted hop is checked on its own, so the chain may be as long as the proxies are.
        forwarded.ForwardLimit = null;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var network in trusted.TrustedProxies)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    /// <summary>First in the pipeline, and only when proxies are configured (else no header is read at all).</summary>
    public static void UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.TrustedProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }
    }
}
