using TrustedOss.Access;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Messaging;
using TrustedOss.Messaging.Outbox;
using TrustedOss.Redis;
using TrustedOss.Scans.Consumers;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Running;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Scans;

internal static class Extensions
{
    public const string DatabaseName = "scans-db";

    public static void AddScansServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddCallerIdentity();
        builder.AddProjectAccess();
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<DeliveryReceivedConsumer>();
            bus.AddConsumer<ScanRequestedConsumer>();
        });
        builder.AddOutbox(DatabaseName, typeof(ScanRequested));

        builder.Services.AddOptions<ScanRunnerOptions>()
            .BindConfiguration(ScanRunnerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.RunningLease > o.GitTimeout, "Scans:RunningLease must exceed Scans:GitTimeout.")
            .ValidateOnStart();
        builder.Services.AddSingleton<GitRefResolver>();
        builder.Services.AddHostedService<StaleScanReaper>();
        builder.Services.AddSingleton<ScanStore>();
        builder.Services.AddSingleton<ScanMetrics>();
        builder.Services.AddSingleton<ActiveScans>();
    }
}
