using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TrustedOss.ServiceDefaults.Redis;

public static class RedisExtensions
{
    public const string ConnectionName = "redis";

    /// <summary>The shared Redis (caches, rate limits, the live-instance registry), traced and health-checked.</summary>
    public static TBuilder AddServiceRedis<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(ConnectionName);
        builder.Services.AddHostedService<InstanceHeartbeat>();
        return builder;
    }
}
