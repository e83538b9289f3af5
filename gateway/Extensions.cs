namespace TrustedOss.Gateway;

internal static class Extensions
{
    public static void AddGatewayServices(this WebApplicationBuilder builder)
    {
        // Routes and clusters live in configuration (appsettings.json, "ReverseProxy"); cluster
        // addresses such as http://keys resolve through service discovery.
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
    }

    public static void MapGateway(this WebApplication app)
    {
        app.MapReverseProxy(proxy => proxy.UseMiddleware<UpstreamOutageMiddleware>());
    }
}
