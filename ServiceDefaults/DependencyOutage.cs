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
    public static bool Is(Exception exception) => exception is
        HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TimeoutException;
}
