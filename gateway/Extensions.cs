using TrustedOss.Credentials.RateLimits;
using TrustedOss.Gateway.ApiReference;
using TrustedOss.Gateway.Authentication;
using TrustedOss.Gateway.Identity;
using TrustedOss.Gateway.RateLimiting;
using TrustedOss.Redis;

namespace TrustedOss.Gateway;

internal static class Extensions
{
    public static void AddGatewayServices(this WebApplicationBuilder builder)
    {
        // Without Redis the gateway still serves people and the keys it verified recently
        // (docs/operations.md): a balancer that pulled every replica would make that a whole outage.
        builder.AddServiceRedis(degradedWithout: true);
        builder.AddTrustedProxies();
        var clusters = builder.Configuration.GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key).Append(IdentitySigner.DelegatedAudience);
        builder.Services.AddOptions<IdentitySigningOptions>()
            .BindConfiguration(IdentitySigningOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => clusters.All(c => o.Audiences.Any(a => a.Name == c)), "Identity:Audiences must hold a key for every cluster the routes lead to.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IdentitySigner>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.AddApiReference();
        builder.AddGatewayAuthentication();
        builder.Services.AddOptions<KeyRateLimitOptions>()
            .BindConfiguration(KeyRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<BatchedRateCounter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BatchedRateCounter>());
        builder.Services.AddOptions<GatewayRateLimitOptions>()
            .BindConfiguration(GatewayRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Routes and clusters live in configuration (appsettings.json, "ReverseProxy"), each route
        // naming the credential it takes; cluster addresses such as http://keys resolve through
        // service discovery.
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<RouteCredentialCheck>()
            .AddTransforms(IdentityForwarding.Apply)
            .AddTransforms(ClientAddressForwarding.Apply)
            .AddServiceDiscoveryDestinationResolver();
    }

    public static void MapGateway(this WebApplication app)
    {
        app.MapApiReference();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<CredentialGate>();
            proxy.UseMiddleware<RateLimitMiddleware>();
            proxy.UseMiddleware<UpstreamOutageMiddleware>();
        });
    }
}
