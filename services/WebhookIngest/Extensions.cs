using TrustedOss.Data;
using TrustedOss.Messaging;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.WebhookIngest;

internal static class Extensions
{
    public const string DatabaseName = "webhooks-db";

    public static void AddWebhookIngestServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddMessaging();
        builder.AddCallerIdentity();
        builder.Services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
