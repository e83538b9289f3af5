using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>
/// Whether Redis answers a PING within a second. The client's own health check waits out the
/// client's timeout (five seconds) on a server that is paused, longer than a load balancer's probe
/// waits for its answer.
/// </summary>
internal sealed class RedisAnswers(IConnectionMultiplexer redis, RedisDeadline deadline) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var took = await deadline.WithinAsync(redis.GetDatabase().PingAsync(), Patience);
            return HealthCheckResult.Healthy($"PING answered in {took.TotalMilliseconds:F0} ms");
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer a PING in time", ex);
        }
    }
}
