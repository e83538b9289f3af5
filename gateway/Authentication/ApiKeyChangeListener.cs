using StackExchange.Redis;
using TrustedOss.Credentials.ApiKeys;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// Listens for the Keys service's change announcements, so a revoked key stops working on every
/// gateway replica almost at once instead of when its in-process copy expires.
/// </summary>
internal sealed class ApiKeyChangeListener(IConnectionMultiplexer redis, ApiKeyVerifier verifier) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(VerifiedApiKey.ChangedChannel);

    public Task StartAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().SubscribeAsync(Channel, (_, prefix) => verifier.Forget(prefix.ToString()));

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAsync(Channel);
}
