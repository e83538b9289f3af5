using System.Net;
using MassTransit;
using Microsoft.Extensions.Options;
using TrustedOss.Access;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Messaging;
using TrustedOss.Messaging.Outbox;
using TrustedOss.Redis;
using TrustedOss.Scans.Consumers;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Running;
using TrustedOss.Scans.Running.Egress;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Scans;

internal static class Extensions
{
    /// <summary>This service as the gateway's routes name it (the audience of the identities it accepts).</summary>
    public const string ServiceName = "scans";

    public const string DatabaseName = "scans-db";

    public static void AddScansServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(Extensions).Assembly);
        builder.AddServiceRedis();
        builder.AddCallerIdentity(ServiceName);
        builder.AddProjectAccess();
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<DeliveryReceivedConsumer, DeliveryReceivedConsumerDefinition>();
            bus.AddConsumer<ScanRequestedConsumer, ScanRequestedConsumerDefinition>();
        });
        builder.AddOutbox(DatabaseName, typeof(ScanRequested));

        builder.Services.AddOptions<ScanRunnerOptions>()
            .BindConfiguration(ScanRunnerOptions.SectionName)
            .ValidateDataAnnotations()
            // A run may take its fetch and four other git steps at their longest: a lease shorter
            // than that fails healthy scans as interrupted.
            .Validate(o => o.RunningLease > o.FetchTimeout + (4 * o.GitTimeout),
                "Scans:RunningLease must exceed Scans:FetchTimeout plus four times Scans:GitTimeout (the longest a run's git steps may take).")
            .Validate(o => o.AllowedPrivateNetworks.All(n => IPNetwork.TryParse(n, out _)),
                "Scans:AllowedPrivateNetworks must list networks in CIDR notation (10.20.0.0/16).")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new EgressPolicy(
            services.GetRequiredService<IOptions<ScanRunnerOptions>>().Value.AllowedPrivateNetworks.Select(n => IPNetwork.Parse(n))));
        builder.Services.AddSingleton<ResolveHost>(Dns.GetHostAddressesAsync);
        builder.Services.AddSingleton<RepositoryEgress>();
        builder.Services.AddSingleton<GitRefResolver>();
        builder.Services.AddSingleton<CommitInventory>();
        builder.Services.AddHostedService<StaleScanReaper>();
        builder.Services.AddOptions<ScanCacheOptions>().BindConfiguration(ScanCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ScanCache>();
        builder.Services.AddSingleton<ScanChanges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ScanChanges>());
        builder.Services.AddSingleton<ScanStore>();
        builder.Services.AddSingleton<ScanQueue>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ScanQueue>());
        builder.Services.AddSingleton<ScanMetrics>();
        builder.Services.AddSingleton<ActiveScans>();
        builder.Services.AddSingleton<ActiveNoteClears>();
    }
}
