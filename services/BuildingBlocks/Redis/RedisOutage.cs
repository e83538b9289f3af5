using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>Redis not answering: the client's own errors, or a <see cref="RedisDeadline"/> that ran out.</summary>
public static class RedisOutage
{
    public static bool Is(Exception exception) =>
        exception is RedisException or RedisTimeoutException or RedisConnectionException or TimeoutException;
}
