using TrustedOss.ServiceDefaults.Data;
using TrustedOss.ServiceDefaults.Messaging;
using TrustedOss.ServiceDefaults.Redis;

namespace TrustedOss.Keys;

internal static class Extensions
{
    public const string DatabaseName = "keys-db";

    public static void AddKeysServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddMessaging();
    }
}
