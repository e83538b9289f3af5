using Npgsql;

namespace TrustedOss.Data;

/// <summary>PostgreSQL not answering (a transient failure), as opposed to a query that is wrong.</summary>
public static class DatabaseOutage
{
    public static bool Is(Exception exception) => exception is NpgsqlException { IsTransient: true };
}
