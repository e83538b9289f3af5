using Microsoft.Extensions.Http.Resilience;
using Polly.Timeout;
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
        // It opens only when the gateway itself does not answer. Every page shares this client: an
        // answer counted as a failure (by default 429, 408 and 5xx) would let anyone shut the page
        // for every person, e.g. by posting sign-ins past their limit (429s) for a few seconds.
        options.CircuitBreaker.ShouldHandle = arguments =>
            ValueTask.FromResult(arguments.Outcome.Exception is HttpRequestException or TimeoutRejectedException);
        // A change (a key issued, a secret rotated) is not sent twice: a connection lost after the
        // gateway took it would otherwise issue a second key, or rotate the new secret away.
        options.Retry.DisableForUnsafeHttpMethods();
    }
}
