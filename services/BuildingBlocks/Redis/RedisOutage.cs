using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>Redis not answering: the client's own errors, or a <see cref="RedisDeadline"/> that ran out.</summary>
public static class RedisOutage
{
    public static bool Is(Exception exception) =>
        exception is RedisException or RedisTimeoutException or RedisConnectionException or TimeoutException
        || IsWriteOnClosedConnection(exception);

    /// <summary>
    /// A command written while the client tears its lost connection down can fail with the pipe's own
    /// "Writing is not allowed after writer was completed" instead of a <see cref="RedisConnectionException"/>
    /// (seen when Redis restarts): the same lost connection, so the same outage, never a 500.
    /// </summary>
    private static bool IsWriteOnClosedConnection(Exception exception) =>
        exception is InvalidOperationException { Source: "System.IO.Pipelines" };
}
