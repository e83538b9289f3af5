using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace TrustedOss.ServiceDefaults;

/// <summary>Exceptions that mean "a server we depend on is not answering", not "this request is wrong".</summary>
public static class DependencyOutage
{
    public static bool Is(Exception exception) => exception is
        RedisException or RedisTimeoutException or RedisConnectionException
        or NpgsqlException { IsTransient: true }
        or HttpRequestException or TimeoutRejectedException or BrokenCircuitException
        or TimeoutException;
}
