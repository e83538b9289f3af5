using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Calls between our services sit on a client's request path (the gateway's key lookup, the Scans
/// service's access check), so the whole call, retries included, must end well within a client's
/// patience (about five seconds). The standard handler's defaults (30 s total, retrying 503s three
/// times) would hold a request long after the client gave up.
/// </summary>
public static class ServiceCallResilience
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2.5);
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(3);

    public static void Configure(HttpStandardResilienceOptions options)
    {
        options.AttemptTimeout.Timeout = AttemptTimeout;
        options.TotalRequestTimeout.Timeout = TotalTimeout;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        // Retry only when the call did not get through (a replica restarting, a refused
        // connection): another replica may answer. A 5xx answer means the peer's own dependency is
        // down, and asking again a moment later only adds the peer's deadline once more.
        options.Retry.ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception is HttpRequestException);
    }
}
