using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Yarp.ReverseProxy.Model;
using TrustedOss.Gateway.Authentication;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Gateway;

/// <summary>
/// Counts each API-key request against its key's limit (scan triggers and reads separately) and
/// answers a spent limit with 429 and an integer Retry-After. Every keyed response carries the
/// RateLimit-Policy and RateLimit headers. If Redis cannot count within its deadline, the request
/// goes through uncounted (a metric and a log line say so): a limiter outage must not stop every
/// pipeline, and the key itself was already verified.
/// </summary>
internal sealed class KeyRateLimitMiddleware(
    RequestDelegate next, IConnectionMultiplexer redis, IOptions<KeyRateLimitOptions> options, RedisDeadline redisDeadline,
    TimeProvider time, GatewayMetrics metrics, ILogger<KeyRateLimitMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (GatewayCaller.Get(context) is not { IsApiKey: true, ApiKeyId: { } keyId })
        {
            await next(context);
            return;
        }

        var policy = IsTrigger(context) ? KeyRateLimits.Triggers : KeyRateLimits.Reads;
        RateLimitState state;
        try
        {
            state = await redisDeadline.WithinAsync(KeyRateLimits.CountAsync(redis.GetDatabase(), keyId, policy, options.Value, time.GetUtcNow()));
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            metrics.RedisFailOpen.Add(1, new KeyValuePair<string, object?>("step", "rate_limit"));
            logger.LogWarning("Rate limit for key {KeyId} could not be counted ({Reason}); letting the request through", keyId, ex.Message);
            await next(context);
            return;
        }

        context.Response.Headers["RateLimit-Policy"] = state.PolicyHeader;
        context.Response.Headers["RateLimit"] = state.StateHeader;
        if (!state.Exceeded)
        {
            await next(context);
            return;
        }

        metrics.RateLimitRejections.Add(1, new KeyValuePair<string, object?>("policy", policy));
        await ApiProblems.TooManyRequests(
            $"This API key used its {state.Limit} {policy} for this minute. Retry after {state.ResetSeconds} seconds.", state.ResetSeconds)
            .ExecuteAsync(context);
    }

    /// <summary>Decided by the route that matched (whatever the path's case or trailing slash), not by the raw path.</summary>
    private static bool IsTrigger(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.GetReverseProxyFeature().Route.Config.RouteId == TriggerRouteId;

    private const string TriggerRouteId = "project-scans";
}
