using Npgsql;
using TrustedOss.Data;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class DatabaseOutageTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.CrashShutdown)]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]
    [InlineData(PostgresErrorCodes.ConnectionFailure)]
    [InlineData(PostgresErrorCodes.ProtocolViolation)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    public void A_server_that_ends_or_refuses_the_connection_is_an_outage(string sqlState) =>
        Assert.True(DatabaseOutage.Is(Server(sqlState)));

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.SyntaxError)]
    [InlineData(PostgresErrorCodes.CharacterNotInRepertoire)]
    [InlineData(PostgresErrorCodes.QueryCanceled)]
    public void A_query_the_server_refuses_is_not_an_outage(string sqlState) =>
        Assert.False(DatabaseOutage.Is(Server(sqlState)));

    [Fact]
    public void A_server_that_cannot_be_reached_is_an_outage() =>
        Assert.True(DatabaseOutage.Is(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));

    [Fact]
    public void A_connection_failing_as_it_opens_is_an_outage_though_Npgsql_does_not_count_it_transient()
    {
        // What a connection opening while the server shut down got (the fault run's one 500).
        var refused = new NpgsqlException("Additional unencrypted data received after SSL negotiation - this should never happen, and may be an indication of a man-in-the-middle attack.");

        Assert.False(refused.IsTransient);
        Assert.True(DatabaseOutage.Is(refused));
    }

    [Fact]
    public void Npgsql_losing_track_of_the_protocol_is_an_outage()
    {
        // Npgsql throws exactly this type, from its own assembly.
#pragma warning disable CA2201
        var lost = new Exception("Received unexpected backend message DataRow. Please file a bug.") { Source = "Npgsql" };
        var ours = new Exception("Received unexpected backend message DataRow. Please file a bug.");
        var otherFromNpgsql = new Exception("Something else went wrong.") { Source = "Npgsql" };
#pragma warning restore CA2201

        Assert.True(DatabaseOutage.Is(lost));
        Assert.False(DatabaseOutage.Is(ours));
        Assert.False(DatabaseOutage.Is(otherFromNpgsql));
    }

    [Fact]
    public void A_wait_that_runs_out_is_an_outage_that_lost_no_connection()
    {
        // What Npgsql throws when the pool has no free connection in time, a connection does not
        // open in time, and a command does not answer in time: each wraps a TimeoutException.
        var poolExhausted = new NpgsqlException("The connection pool has been exhausted", new TimeoutException());
        var openTimedOut = new NpgsqlException("The operation has timed out", new TimeoutException());
        var commandTimedOut = new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));

        Assert.All(new[] { poolExhausted, openTimedOut, commandTimedOut }, timeout =>
        {
            Assert.True(DatabaseOutage.Is(timeout));
            Assert.False(DatabaseOutage.LostConnection(timeout));
        });
    }

    [Fact]
    public void A_connection_the_server_ended_or_that_failed_is_lost()
    {
        Assert.True(DatabaseOutage.LostConnection(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(DatabaseOutage.LostConnection(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111))));
        Assert.True(DatabaseOutage.LostConnection(Server(PostgresErrorCodes.AdminShutdown)));
        Assert.True(DatabaseOutage.LostConnection(Server(PostgresErrorCodes.ConnectionFailure)));
#pragma warning disable CA2201 // Npgsql throws exactly this type.
        Assert.True(DatabaseOutage.LostConnection(new Exception("Received unexpected backend message DataRow. Please file a bug.") { Source = "Npgsql" }));
#pragma warning restore CA2201
    }

    [Theory]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    public void The_server_refusing_a_connection_or_a_statement_is_an_outage_that_leaves_the_other_connections_good(string sqlState)
    {
        Assert.True(DatabaseOutage.Is(Server(sqlState)));
        Assert.False(DatabaseOutage.LostConnection(Server(sqlState)));
    }

    [Fact]
    public void A_statement_used_out_of_order_is_a_defect_though_Npgsql_counts_it_transient()
    {
        var early = Server(PostgresErrorCodes.ObjectNotInPrerequisiteState);

        Assert.True(early.IsTransient);
        Assert.False(DatabaseOutage.Is(early));
    }

    [Fact]
    public void Another_timeout_is_not_the_databases_lost_connection() =>
        Assert.False(DatabaseOutage.LostConnection(new TimeoutException("not the database's")));

    [Fact]
    public void An_error_of_another_kind_is_not_an_outage() =>
        Assert.False(DatabaseOutage.Is(new InvalidOperationException("a bug")));

    private static PostgresException Server(string sqlState) => new("message", "FATAL", "FATAL", sqlState);
}
