using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Audit;
using TrustedOss.Keys.People;
using TrustedOss.Keys.Projects;
using TrustedOss.ServiceDefaults.ApiKeys;
using TrustedOss.ServiceDefaults.Data;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.ServiceDefaults.RateLimits;
using TrustedOss.ServiceDefaults.Redis;

namespace TrustedOss.Keys;

internal static class Extensions
{
    public const string DatabaseName = "keys-db";

    public static void AddKeysServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddCallerIdentity();

        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KeyRateLimitOptions>().BindConfiguration(KeyRateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AdminBootstrapOptions>().BindConfiguration(AdminBootstrapOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AdminBootstrapOptions>, AdminBootstrapValidation>();

        builder.Services.AddSingleton<IPasswordHasher<UserRow>, PasswordHasher<UserRow>>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<AdminBootstrap>();
        builder.Services.AddSingleton<PeopleStore>();
        builder.Services.AddSingleton<ProjectStore>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHostedService<ApiKeyUsageRecorder>();
    }

    public static Task BootstrapAdminAsync(this WebApplication app) =>
        app.Services.GetRequiredService<AdminBootstrap>().EnsureAsync(app.Lifetime.ApplicationStopping);
}
