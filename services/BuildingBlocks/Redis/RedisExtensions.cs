using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Redis;

public static class RedisExtensions
{
    public const string ConnectionName = "redis";

    /// <summary>
    /// The shared Redis (caches, rate limits, the live-instance registry), traced and health-checked.
    /// A process that keeps serving without Redis (<paramref name="degradedWithout"/>) reports it
    /// Degraded, not Unhealthy, and within a second: a load balancer keeps it.
    /// </summary>
    public static TBuilder AddServiceRedis<TBuilder>(this TBuilder builder, bool degradedWithout = false) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(ConnectionName, settings => settings.DisableHealthChecks |= degradedWithout, ConfigureForOutages);
        if (degradedWithout)
        {
            builder.Services.AddHealthChecks().AddCheck<RedisAnswers>(ConnectionName, HealthStatus.Degraded);
        }

        builder.Services.AddOptions<RedisDeadlineOptions>().BindConfiguration(RedisDeadlineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RedisDeadline>();
        builder.Services.AddExceptionAnswer(exception => RedisOutage.Is(exception) ? ExceptionAnswer.Outage() : null);
        builder.Services.AddHostedService<RedisConnectionLog>();
        builder.Services.AddHostedService<InstanceHeartbeat>();
        return builder;
    }

    /// <summary>
    /// Redis is a cache and a counter here, never the only copy of anything, so while it is gone a
    /// command should fail at once (the caller answers 503 or goes on without it) rather than wait
    /// in the client's backlog for a connection. And when it is back the client must find out in
    /// about a second: the default reconnect back-off grows to ten seconds, and the default connect
    /// timeout (five seconds) spent on a server that accepts connections but answers nothing
    /// pushes every retry further out.
    /// </summary>
    public static void ConfigureForOutages(ConfigurationOptions options)
    {
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 1_000;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        // A paused server is noticed by a PING unanswered after a few seconds, not a minute.
        options.KeepAlive = 2;
    }
}
