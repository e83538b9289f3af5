using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace TrustedOss.ServiceDefaults;

/// <summary>
/// Exceptions that mean "a server we depend on is not answering", not "this request is wrong", as
/// far as every process can tell: a call to another service failed, or a wait ran out. The Redis
/// and Data libraries recognise their own clients' exceptions (<c>RedisOutage</c>, <c>DatabaseOutage</c>).
/// </summary>
public static class DependencyOutage
{
    public static bool Is(Exception exception) => exception switch
    {
        // The peer answered. Its failure, its timeout or its limit is an outage, to be waited out;
        // any other refusal is a defect between the two services, which waiting does not mend: a
        // 503 asking the caller to try again would hide it, and a consumer would retry it for hours.
        HttpRequestException { StatusCode: { } status } =>
            (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TimeoutException => true,
        _ => false,
    };
}
