using Microsoft.Extensions.Http.Resilience;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Web.Api;

/// <summary>The page's calls to the gateway: the service calls' rules (<see cref="ServiceCallResilience"/>), with deadlines longer than theirs.</summary>
internal static class GatewayCallResilience
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(12);

    /// <summary>The options of <see cref="GatewayApi"/>'s standard handler: the client's name, then the pipeline's.</summary>
    public const string OptionsName = nameof(GatewayApi) + "-standard";

    public static void Configure(HttpStandardResilienceOptions options)
    {
        ServiceCallResilience.Configure(options);
        options.AttemptTimeout.Timeout = AttemptTimeout;
        options.TotalRequestTimeout.Timeout = TotalTimeout;
        // The breaker samples at least twice the attempt timeout (the options are validated so).
        options.CircuitBreaker.SamplingDuration = 2 * AttemptTimeout;
    }
}
