using StackExchange.Redis;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Redis;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// Listens for the Keys service's change announcements, so a revoked key stops working on every
/// gateway replica almost at once instead of when its in-process copy expires. A gateway serves
/// without Redis, so it also starts without it: it listens once Redis is there.
/// </summary>
internal sealed class ApiKeyChangeListener(IConnectionMultiplexer redis, ApiKeyVerifier verifier, TimeProvider time, ILogger<ApiKeyChangeListener> logger)
    : IHostedService, IAsyncDisposable
{
    private ChannelSubscription? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = new ChannelSubscription(
            redis, RedisChannel.Literal(VerifiedApiKey.ChangedChannel), prefix => verifier.Forget(prefix.ToString()), time, logger);
        subscription.Start();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => subscription?.DisposeAsync() ?? ValueTask.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (subscription is { } listening)
        {
            await listening.DisposeAsync();
        }
    }
}
