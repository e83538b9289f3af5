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

    [Fact]
    public void Any_other_invalid_operation_is_not_an_outage() =>
        Assert.False(RedisOutage.Is(new InvalidOperationException("Writing is not allowed after writer was completed.")));
}
