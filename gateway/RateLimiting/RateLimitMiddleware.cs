using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Gateway.Authentication;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Model;

namespace TrustedOss.Gateway.RateLimiting;

/// <summary>
/// Counts requests in one-minute windows shared by every replica and answers a spent limit with 429
/// and an integer Retry-After: each API key's scan triggers and reads separately (CONTRACT §2); scan
/// triggers also per person (their token and all their keys together) and per project; and each
/// client address's webhook deliveries (§4), before a byte of the delivery is read. Every counted
/// response carries the RateLimit-Policy and RateLimit headers of the limit closest to running out.
/// If Redis cannot count within its deadline, the request goes through uncounted (a metric and a
/// log line say so): a limiter outage must not stop every pipeline or provider.
/// </summary>
internal sealed class RateLimitMiddleware(
    RequestDelegate next, IConnectionMultiplexer redis, IOptions<KeyRateLimitOptions> keyLimits, IOptions<GatewayRateLimitOptions> limits,
    BatchedRateCounter batched, RedisDeadline redisDeadline, TimeProvider time, GatewayMetrics metrics,
    ILogger<RateLimitMiddleware> logger)
{
    private const string TriggerRouteId = "project-scans";
    private const string WebhooksRouteId = "webhooks";
    private const string WebhooksPolicy = "webhooks";
    private const string UserTriggersPolicy = "user-triggers";
    private const string ProjectTriggersPolicy = "project-triggers";

    /// <summary>One limit this request counts against, whom a refusal names, and its window's counter in Redis (for a trigger's).</summary>
    private sealed record Counted(string Who, RateLimitState State, string? WindowKey = null);

    public async Task InvokeAsync(HttpContext context)
    {
        var now = time.GetUtcNow();
        var caller = GatewayCaller.Get(context);
        var route = RouteId(context);
        var isTrigger = route == TriggerRouteId && HttpMethods.IsPost(context.Request.Method);
        IReadOnlyList<Counted> counted;
        try
        {
            counted = isTrigger
                ? await CountTriggerAsync(context, caller, now)
                : await CountHighVolumeAsync(context, caller, route) is { } one ? [one] : [];
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            metrics.RedisFailOpen.Add(1, new KeyValuePair<string, object?>("step", "rate_limit"));
            logger.LogWarning("A rate limit could not be counted ({Reason}); letting the request through", ex.Message);
            if (caller is { IsApiKey: true })
            {
                // Every keyed answer carries the headers (CONTRACT §2). Uncounted, the key's whole
                // budget is what it has: a client pacing itself by them is not held back for nothing.
                var policy = isTrigger ? KeyRateLimits.Triggers : KeyRateLimits.Reads;
                var uncounted = new RateLimitState(policy, keyLimits.Value.LimitOf(policy), Used: 0,
                    (int)Math.Ceiling(FixedWindow.UntilWindowEnds(KeyRateLimits.Window, now).TotalSeconds));
                SendHeadersAsTheAnswerStarts(context, uncounted);
            }

            await next(context);
            return;
        }

        if (counted.Count == 0)
        {
            await next(context);
            return;
        }

        var closest = Closest(counted);
        // Set as the answer starts: a refusal on the way (a body over the limit, a service that is
        // down) clears the headers set before it, and every keyed answer carries them.
        SendHeadersAsTheAnswerStarts(context, closest.State);
        if (!closest.State.Exceeded)
        {
            await next(context);
            // A caller with no right to the project must not spend the project's own budget: a
            // stranger's refused triggers would otherwise lock its pipelines out.
            if (context.Response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
            {
                await RefundAsync(counted.Where(c => c.State.Policy == ProjectTriggersPolicy), now);
            }

            return;
        }

        // Refused here: no count keeps it. A spent count stays at its limit, so the next request
        // is refused as well; the others (a runaway key's issuer, its project) are not used up.
        await RefundAsync(counted, now);
        var state = closest.State;
        metrics.RateLimitRejections.Add(1, new KeyValuePair<string, object?>("policy", state.Policy));
        await ApiProblems.TooManyRequests(
            $"{closest.Who} used its {state.Limit} {state.Policy} for this minute. Retry after {state.ResetSeconds} seconds.", state.ResetSeconds)
            .ExecuteAsync(context);
    }

    /// <summary>The limit the headers show and a refusal names: the first exceeded, else the first with the least left.</summary>
    private static Counted Closest(IReadOnlyList<Counted> counted)
    {
        var closest = counted[0];
        foreach (var candidate in counted)
        {
            if (Left(candidate) < Left(closest))
            {
                closest = candidate;
            }
        }

        return closest;

        static int Left(Counted c) => c.State.Exceeded ? -1 : c.State.Remaining;
    }

    private static void SendHeadersAsTheAnswerStarts(HttpContext context, RateLimitState state) =>
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["RateLimit-Policy"] = state.PolicyHeader;
            context.Response.Headers["RateLimit"] = state.StateHeader;
            return Task.CompletedTask;
        });

    /// <summary>
    /// A scan trigger counts against its key, the person behind it and its project, each in Redis
    /// before it goes on (the limits are small); the one closest to running out is answered.
    /// </summary>
    private async Task<IReadOnlyList<Counted>> CountTriggerAsync(HttpContext context, CallerIdentity? caller, DateTimeOffset now)
    {
        List<Task<Counted>> counts = [];
        if (caller is { IsApiKey: true, ApiKeyId: { } keyId })
        {
            counts.Add(CountAsync("This API key", KeyRateLimits.CounterName(keyId, KeyRateLimits.Triggers), KeyRateLimits.Triggers,
                keyLimits.Value.LimitOf(KeyRateLimits.Triggers), now));
        }

        // An API key counts against the person who issued it.
        if (caller?.UserId is { } userId)
        {
            counts.Add(CountAsync("You (your token and your keys together)", $"rate:user:{userId:N}:triggers", UserTriggersPolicy,
                limits.Value.TriggersPerUserPerMinute, now));
        }

        if (Guid.TryParse(context.GetRouteValue("projectId") as string, out var projectId))
        {
            counts.Add(CountAsync("This project", $"rate:project:{projectId:N}:triggers", ProjectTriggersPolicy,
                limits.Value.TriggersPerProjectPerMinute, now));
        }

        return counts.Count == 0 ? [] : await redisDeadline.WithinAsync(Task.WhenAll(counts));
    }

    /// <summary>Takes the request back out of these counts (best effort: a count Redis does not take back only ends with its window).</summary>
    private async Task RefundAsync(IEnumerable<Counted> counts, DateTimeOffset now)
    {
        var expiresInMs = (long)FixedWindow.UntilWindowEnds(KeyRateLimits.Window, now).TotalMilliseconds;
        try
        {
            await redisDeadline.WithinAsync(Task.WhenAll(counts.Where(c => c.WindowKey is not null)
                .Select(c => FixedWindowCounter.AddAsync(redis.GetDatabase(), c.WindowKey!, expiresInMs, -1))));
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            logger.LogWarning("A refused trigger could not be taken out of its counts ({Reason})", ex.Message);
        }
    }

    /// <summary>
    /// A key's reads, or an address's webhook deliveries: many a second, with large limits, so most
    /// are counted in this process and sent to Redis in batches (<see cref="BatchedRateCounter"/>).
    /// </summary>
    private async ValueTask<Counted?> CountHighVolumeAsync(HttpContext context, CallerIdentity? caller, string route)
    {
        string who, policy, counter;
        int limit;
        if (caller is { IsApiKey: true, ApiKeyId: { } keyId })
        {
            (who, policy, counter, limit) = ("This API key", KeyRateLimits.Reads, KeyRateLimits.CounterName(keyId, KeyRateLimits.Reads), keyLimits.Value.LimitOf(KeyRateLimits.Reads));
        }
        else if (route == WebhooksRouteId)
        {
            (who, policy, counter, limit) = ("This address", WebhooksPolicy, $"rate:webhooks:{ClientAddress.LimitKey(context.Connection.RemoteIpAddress)}", limits.Value.WebhooksPerMinute);
        }
        else
        {
            return null;
        }

        var (used, resetSeconds) = await batched.CountAsync(counter, KeyRateLimits.Window, limit);
        return new Counted(who, new RateLimitState(policy, limit, (int)Math.Min(used, int.MaxValue), resetSeconds));
    }

    private async Task<Counted> CountAsync(string who, string counter, string policy, int limit, DateTimeOffset now)
    {
        var windowKey = FixedWindow.Key(counter, KeyRateLimits.Window, now);
        var (used, reset) = await FixedWindowCounter.AddAsync(redis.GetDatabase(), windowKey,
            (long)FixedWindow.UntilWindowEnds(KeyRateLimits.Window, now).TotalMilliseconds, 1);
        return new Counted(who, new RateLimitState(policy, limit, (int)used, reset), windowKey);
    }

    /// <summary>Decided by the route that matched (whatever the path's case or trailing slash), not by the raw path.</summary>
    private static string RouteId(HttpContext context) => context.GetReverseProxyFeature().Route.Config.RouteId;
}
