using TrustedOss.Redis;
using TrustedOss.Web.Api;
using TrustedOss.Web.Session;

namespace TrustedOss.Web;

internal static class Extensions
{
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceRedis();
        builder.Services.AddWebSession();
        builder.Services.AddSingleton<RevealStash>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<ClientAddressHandler>();
        builder.Services.AddGatewayApi();
        builder.Services.AddRazorComponents();
        return builder;
    }

    /// <summary>
    /// The page's client of the public API. The page is the outermost caller: the gateway and the
    /// services behind it each answer within their own deadlines (a 503 when a dependency is down),
    /// so the page waits longer than they do, and a person sees that answer rather than the page
    /// giving up first (<see cref="GatewayCallResilience"/>).
    /// </summary>
    public static IServiceCollection AddGatewayApi(this IServiceCollection services)
    {
        // The defaults' handler shares one set of options among all clients: this client's is replaced
        // whole (the library's way to do so is still marked for evaluation).
#pragma warning disable EXTEXP0001
        services.AddHttpClient<GatewayApi>(http => http.BaseAddress = new Uri(GatewayApi.BaseAddress))
            .AddHttpMessageHandler<ClientAddressHandler>()
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(GatewayCallResilience.Configure);
#pragma warning restore EXTEXP0001
        return services;
    }
}
