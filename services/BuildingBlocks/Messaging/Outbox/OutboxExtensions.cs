using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TrustedOss.Data;

namespace TrustedOss.Messaging.Outbox;

public static class OutboxExtensions
{
    /// <summary>
    /// The transactional outbox in the service's own database (call after <c>AddServiceDatabase</c>
    /// and <c>AddMessaging</c>), for the given message types.
    /// </summary>
    public static TBuilder AddOutbox<TBuilder>(this TBuilder builder, string connectionName, params Type[] messageTypes)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(new MigrationSource(connectionName, typeof(OutboxExtensions).Assembly));
        builder.Services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.SectionName)
            .Configure(options =>
            {
                foreach (var type in messageTypes)
                {
                    options.MessageTypes[type.FullName!] = type;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxClaims>();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
