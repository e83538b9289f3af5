using StackExchange.Redis;

namespace TrustedOss.Redis;

/// <summary>
/// Redis not answering: the client's own errors, a <see cref="RedisDeadline"/> that ran out, or
/// Redis answering that it cannot serve for now. Any other error Redis answers (NOPERM for a key or
/// command a user's ACL lacks, WRONGTYPE, an error from a script) is a defect, not an outage: taken
/// for one, it would be waited out for ever, and the limits that give way in an outage would be
/// off without anyone told.
/// </summary>
public static class RedisOutage
{
    /// <summary>
    /// The error replies of a server that is loading, busy, read-only, full, between primaries,
    /// short of replicas, or refusing writes since it could not save its snapshot (a full disk).
    /// </summary>
    private static readonly string[] NotServingNow =
        ["LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "OOM", "MISCONF", "NOREPLICAS"];

    public static bool Is(Exception exception) => exception switch
    {
        RedisServerException server => NotServingNow.Any(code => server.Message.StartsWith(code + " ", StringComparison.Ordinal)),
        RedisException or TimeoutException => true,
        _ => IsWriteOnClosedConnection(exception),
    };

    /// <summary>
    /// A command written while the client tears its lost connection down can fail with the pipe's own
    /// "Writing is not allowed after writer was completed" instead of a <see cref="RedisConnectionException"/>
    /// (seen when Redis restarts): the same lost connection, so the same outage, never a 500.
    /// </summary>
    private static bool IsWriteOnClosedConnection(Exception exception) =>
        exception is InvalidOperationException { Source: "System.IO.Pipelines" };
}
