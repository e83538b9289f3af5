using MassTransit;
using TrustedOss.Messaging.Outbox;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrustedOss.Credentials;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Data;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Auth;
using TrustedOss.Keys.Consumers;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.Keys.Projects;
using TrustedOss.Messaging;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys;

internal static class Extensions
{
    /// <summary>This service as the gateway's routes name it (the audience of the identities it accepts).</summary>
    public const string ServiceName = "keys";

    public const string DatabaseName = "keys-db";

    public static void AddKeysServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<AuditRecordedConsumer>();
            bus.AddConsumer<ApiKeyCacheStaleConsumer, ApiKeyCacheStaleConsumerDefinition>();
        });
        builder.AddOutbox(DatabaseName, typeof(ApiKeyCacheStale));
        builder.AddCallerIdentity(ServiceName, DirectoryPolicies.Add);
        builder.Services.AddSingleton<IAuthorizationHandler, DirectoryPolicyHandler>();

        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiKeyIssuingOptions>().BindConfiguration(ApiKeyIssuingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KeyRateLimitOptions>().BindConfiguration(KeyRateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AdminBootstrapOptions>().BindConfiguration(AdminBootstrapOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AdminBootstrapOptions>, AdminBootstrapValidation>();
        builder.Services.AddOptions<PeopleCacheOptions>().BindConfiguration(PeopleCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddSingleton<IPasswordHasher<UserRow>, PasswordHasher<UserRow>>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<AdminBootstrap>();
        builder.Services.AddSingleton<PeopleCache>();
        builder.Services.AddSingleton<PeopleChanges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PeopleChanges>());
        builder.Services.AddSingleton<DirectoryStore>();
        builder.Services.AddSingleton<ProjectStore>();
        builder.Services.AddSingleton<KeyRowCache>();
        builder.Services.AddSingleton<KeyRowChanges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<KeyRowChanges>());
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddSingleton<AuditedChanges>();
        builder.Services.AddSingleton<AuditLogStore>();
        builder.Services.AddHostedService<ApiKeyUsageRecorder>();
    }

    public static Task BootstrapAdminAsync(this WebApplication app) =>
        app.Services.GetRequiredService<AdminBootstrap>().EnsureAsync(app.Lifetime.ApplicationStopping);
}
