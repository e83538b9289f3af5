using Microsoft.Extensions.Caching.Memory;
using TrustedOss.Credentials;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Gateway.Identity;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Gateway.Authentication;

internal static class AuthenticationExtensions
{
    public static void AddGatewayAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiKeyVerifierOptions>().BindConfiguration(ApiKeyVerifierOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddMemoryCache();
        builder.Services.AddOptions<MemoryCacheOptions>().Configure<TimeProvider>((cache, time) =>
        {
            cache.SizeLimit = 100_000;
            cache.Clock = new TimeProviderClock(time);
        });
        builder.Services.AddSingleton<ISharedKeyState, RedisSharedKeyState>();
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddHostedService<ApiKeyChangeListener>();
        builder.Services.AddHttpClient(RedisSharedKeyState.KeysClient, client => client.BaseAddress = new Uri("http://keys"))
            .AddHttpMessageHandler<ServiceIdentityHandler>();
        builder.Services.AddTransient<ServiceIdentityHandler>();

        builder.Services.AddSingleton<AccessTokenValidator>();
    }
}
