using System.IO.Pipelines;
using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class RedisOutageTests
{
    [Fact]
    public void A_write_on_a_connection_the_client_already_closed_is_an_outage()
    {
        // What StackExchange.Redis threw for a command written while Redis restarted (a 500 before).
        var pipe = new Pipe();
        pipe.Writer.Complete();

        var closed = Assert.Throws<InvalidOperationException>(() => pipe.Writer.GetMemory());

        Assert.True(RedisOutage.Is(closed));
    }

    [Fact]
    public void The_clients_own_errors_and_a_deadline_are_outages()
    {
        Assert.True(RedisOutage.Is(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")));
        Assert.True(RedisOutage.Is(new RedisServerException("LOADING Redis is loading the dataset in memory")));
        Assert.True(RedisOutage.Is(new TimeoutException()));
    }

    [Theory]
    [InlineData("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")]
    [InlineData("READONLY You can't write against a read only replica.")]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [InlineData("OOM command not allowed when used memory > 'maxmemory'.")]
    [InlineData("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.")]
    [InlineData("NOREPLICAS Not enough good replicas to write.")]
    public void A_server_that_cannot_serve_for_now_is_an_outage(string reply) =>
        Assert.True(RedisOutage.Is(new RedisServerException(reply)));

    [Theory]
    [InlineData("NOPERM this user has no permissions to run the 'evalsha' command")]
    [InlineData("NOPERM No permissions to access a key")]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value")]
    [InlineData("ERR Error running script (call to f_0123): @user_script:1: user_script:1: attempt to compare nil with number")]
    public void A_server_refusing_the_command_is_a_defect_not_an_outage(string reply) =>
        Assert.False(RedisOutage.Is(new RedisServerException(reply)));

    [Fact]
    public void Any_other_invalid_operation_is_not_an_outage() =>
        Assert.False(RedisOutage.Is(new InvalidOperationException("Writing is not allowed after writer was completed.")));
}
