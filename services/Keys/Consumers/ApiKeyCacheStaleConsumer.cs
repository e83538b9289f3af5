using MassTransit;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Keys.ApiKeys;

namespace TrustedOss.Keys.Consumers;

/// <summary>Rewrites the gateway cache entries a committed change made stale (usually already done right after the commit).</summary>
internal sealed class ApiKeyCacheStaleConsumer(ApiKeyCache cache) : IConsumer<ApiKeyCacheStale>
{
    public Task Consume(ConsumeContext<ApiKeyCacheStale> context) => cache.RefreshAsync(context.Message, context.CancellationToken);
}

/// <summary>
/// While Redis is out the rewrite is retried every 5 s for longer than a shared entry lives
/// (<see cref="VerifiedApiKey.CacheLifetime"/>): either it lands soon after Redis is back, or the
/// stale entry has expired by itself.
/// </summary>
internal sealed class ApiKeyCacheStaleConsumerDefinition : ConsumerDefinition<ApiKeyCacheStaleConsumer>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ApiKeyCacheStaleConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(retry => retry.Interval((int)(VerifiedApiKey.CacheLifetime / Interval) + 1, Interval));
}
