using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;
using TrustedOss.Credentials;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Gateway.Identity;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Gateway.Authentication;

internal static class AuthenticationExtensions
{
    /// <summary>People: JWT only. Everything but the CI surface uses it; an API key gets 401 there.</summary>
    public const string PeoplePolicy = "people";

    /// <summary>The CI surface (trigger and poll scans): an API key or a person's JWT.</summary>
    public const string CiPolicy = "ci";

    /// <summary>Endpoints about the calling key itself.</summary>
    public const string ApiKeyPolicy = "api-key";

    public static void AddGatewayAuthentication(this WebApplicationBuilder builder)
    {
        var jwt = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
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

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = jwt.SecurityKey(),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                options.Events = new JwtBearerEvents
                {
                    // API keys are the other handler's; the JWT handler must not even try them.
                    OnMessageReceived = context =>
                    {
                        var token = BearerToken.From(context.Request);
                        if (token is null || ApiKeyFormat.LooksLikeKey(token))
                        {
                            context.NoResult();
                        }
                        else
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        await Challenge.WriteAsync(context.HttpContext);
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PeoplePolicy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser())
            .AddPolicy(CiPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName, JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser())
            .AddPolicy(ApiKeyPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
    }
}
