using TrustedOss.Scans.Consumers;
using TrustedOss.Scans.Data;
using TrustedOss.ServiceDefaults.Data;
using TrustedOss.ServiceDefaults.Messaging;
using TrustedOss.ServiceDefaults.Redis;

namespace TrustedOss.Scans;

internal static class Extensions
{
    public const string DatabaseName = "scans-db";

    public static void AddScansServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddMessaging(bus => bus.AddConsumer<DeliveryReceivedConsumer>());
        builder.Services.AddSingleton<ScanStore>();
    }
}
