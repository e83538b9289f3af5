using Npgsql;

namespace TrustedOss.Data;

/// <summary>PostgreSQL not answering (a transient failure), as opposed to a query that is wrong.</summary>
public static class DatabaseOutage
{
    public static bool Is(Exception exception) => exception switch
    {
        // 55000 (object not in prerequisite state), which Npgsql counts transient, is a query
        // used wrongly (say currval before nextval): a defect, not a wait.
        PostgresException { SqlState: PostgresErrorCodes.ObjectNotInPrerequisiteState } => false,
        PostgresException postgres => postgres.IsTransient || ConnectionEnded(postgres.SqlState),
        // The server refusing a query comes as a PostgresException (above), a misuse of the client
        // as .NET's argument or operation exceptions: an NpgsqlException of its own is the
        // connection failing, transient or not by Npgsql's count. One seen with the server shutting
        // down while a connection opened: "Additional unencrypted data received after SSL
        // negotiation" (its refusal arrived in the same packet as its answer to the SSL request).
        NpgsqlException => true,
        _ => LostTrack(exception),
    };

    /// <summary>
    /// An outage that is only a wait running out: for a free pooled connection, a new connection or
    /// a command (the server slow or stalled, or every pooled connection busy). Unlike a connection
    /// the server ended, it says nothing against the connections idle in the pool.
    /// </summary>
    private static bool IsTimeout(Exception exception) => exception is NpgsqlException { InnerException: TimeoutException };

    /// <summary>
    /// An outage that took the connection with it (the server ended it, or it failed), so the
    /// connections idle in the pool are likely gone too. Not a wait that ran out, nor the server
    /// refusing a statement or a new connection while the others stay good (too many connections,
    /// a deadlock, a serialization failure).
    /// </summary>
    public static bool LostConnection(Exception exception) => exception switch
    {
        PostgresException postgres => ConnectionEnded(postgres.SqlState),
        NpgsqlException => !IsTimeout(exception),
        _ => LostTrack(exception),
    };

    /// <summary>
    /// Npgsql's own "Received unexpected backend message … Please file a bug": it lost track of the
    /// protocol on a connection (seen after the server ended connections under load) and has
    /// dropped that connection. Nothing about the query was wrong; the next connection works.
    /// </summary>
    private static bool LostTrack(Exception exception) =>
        exception.GetType() == typeof(Exception) && exception.Source == typeof(NpgsqlConnection).Assembly.GetName().Name
        && exception.Message.Contains("backend message", StringComparison.Ordinal);

    /// <summary>
    /// The server ended the connection: it is shutting down or restarting (57P01, 57P02; what a
    /// pooled connection reports on its first use after a restart), or the connection itself failed
    /// (class 08). Npgsql counts neither as transient, but the next connection may well succeed.
    /// </summary>
    private static bool ConnectionEnded(string sqlState) =>
        sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown || sqlState.StartsWith("08", StringComparison.Ordinal);
}
