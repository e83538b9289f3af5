using TrustedOss.Access;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Messaging;
using TrustedOss.Messaging.Outbox;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.WebhookIngest.Data;
using TrustedOss.WebhookIngest.Receiving;
using TrustedOss.WebhookIngest.Settings;

namespace TrustedOss.WebhookIngest;

internal static class Extensions
{
    /// <summary>This service as the gateway's routes name it (the audience of the identities it accepts).</summary>
    public const string ServiceName = "webhook-ingest";

    public const string DatabaseName = "webhooks-db";

    public static void AddWebhookIngestServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddMessaging();
        builder.AddOutbox(DatabaseName, typeof(DeliveryReceived), typeof(AuditRecorded), typeof(AuditBatchRecorded));
        builder.AddCallerIdentity(ServiceName);
        builder.AddProjectAccess();

        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WebhookSecretCipher>();
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddSingleton<WebhookLookup>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddSingleton<DeliveryWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryWriter>());
        builder.Services.AddSingleton<DeliveryReceiver>();
    }
}
