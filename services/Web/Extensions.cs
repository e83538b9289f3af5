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
        builder.Services.AddHttpClient<GatewayApi>(http => http.BaseAddress = new Uri(GatewayApi.BaseAddress))
            .AddHttpMessageHandler<ClientAddressHandler>();
        builder.Services.AddRazorComponents();
        return builder;
    }
}
