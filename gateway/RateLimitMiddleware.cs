using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Gateway.Authentication;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Http;
using Yarp.ReverseProxy.Model;

namespace TrustedOss.Gateway;

/// <summary>
/// Counts requests in one-minute windows shared by every replica and answers a spent limit with 429
/// and an integer Retry-After: each API key's scan triggers and reads separately (CONTRACT §2), and
/// each client address's webhook deliveries (§4), before a byte of the delivery is read. Every
/// counted response carries the RateLimit-Policy and RateLimit headers. If Redis cannot count within
/// its deadline, the request goes through uncounted (a metric and a log line say so): a limiter
/// outage must not stop every pipeline or provider.
/// </summary>
internal sealed class RateLimitMiddleware(
    RequestDelegate next, IConnectionMultiplexer redis, IOptions<KeyRateLimitOptions> keyLimits, IOptions<WebhookRateLimitOptions> webhookLimits,
    RedisDeadline redisDeadline, TimeProvider time, GatewayMetrics metrics, ILogger<RateLimitMiddleware> logger)
{
    private const string TriggerRouteId = "project-scans";
    private const string WebhooksRouteId = "webhooks";
    private const string WebhooksPolicy = "webhooks";

    public async Task InvokeAsync(HttpContext context)
    {
        var now = time.GetUtcNow();
        string policy, who;
        Task<RateLimitState> counting;
        if (GatewayCaller.Get(context) is { IsApiKey: true, ApiKeyId: { } keyId })
        {
            policy = RouteId(context) == TriggerRouteId && HttpMethods.IsPost(context.Request.Method) ? KeyRateLimits.Triggers : KeyRateLimits.Reads;
            who = "This API key";
            counting = KeyRateLimits.CountAsync(redis.GetDatabase(), keyId, policy, keyLimits.Value, now);
        }
        else if (RouteId(context) == WebhooksRouteId)
        {
            policy = WebhooksPolicy;
            who = "This address";
            counting = CountDeliveriesAsync(context, now);
        }
        else
        {
            await next(context);
            return;
        }

        RateLimitState state;
        try
        {
            state = await redisDeadline.WithinAsync(counting);
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            metrics.RedisFailOpen.Add(1, new KeyValuePair<string, object?>("step", "rate_limit"));
            logger.LogWarning("The {Policy} limit could not be counted ({Reason}); letting the request through", policy, ex.Message);
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
            $"{who} used its {state.Limit} {policy} for this minute. Retry after {state.ResetSeconds} seconds.", state.ResetSeconds)
            .ExecuteAsync(context);
    }

    private async Task<RateLimitState> CountDeliveriesAsync(HttpContext context, DateTimeOffset now)
    {
        var (used, reset) = await FixedWindowCounter.CountAsync(
            redis.GetDatabase(), $"rate:webhooks:{context.Connection.RemoteIpAddress}", KeyRateLimits.Window, now);
        return new RateLimitState(WebhooksPolicy, webhookLimits.Value.WebhooksPerMinute, used, reset);
    }

    /// <summary>Decided by the route that matched (whatever the path's case or trailing slash), not by the raw path.</summary>
    private static string RouteId(HttpContext context) => context.GetReverseProxyFeature().Route.Config.RouteId;
}
