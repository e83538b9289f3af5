using TrustedOss.Messaging;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class AmqpAddressTests
{
    [Fact]
    public void Parses_user_password_host_and_port()
    {
        var address = AmqpAddress.Parse("amqp://trustedoss:s3cr%40t@127.0.0.1:35672");

        Assert.Equal(new AmqpAddress("127.0.0.1", 35672, "/", "trustedoss", "s3cr@t"), address);
    }

    [Fact]
    public void Defaults_port_and_reads_virtual_host()
    {
        var address = AmqpAddress.Parse("amqp://guest:guest@rabbit.internal/scans%2Fprod");

        Assert.Equal(5672, address.Port);
        Assert.Equal("scans/prod", address.VirtualHost);
    }

    [Theory]
    [InlineData("amqps://guest:guest@rabbit.internal", 5671)]
    [InlineData("amqps://guest:guest@rabbit.internal:5999", 5999)]
    public void An_amqps_uri_is_over_TLS_on_its_own_default_port(string connectionString, int port)
    {
        var address = AmqpAddress.Parse(connectionString);

        Assert.True(address.UseTls);
        Assert.Equal(port, address.Port);
        Assert.False(AmqpAddress.Parse("amqp://guest:guest@rabbit.internal").UseTls);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("rabbit:5672")]
    [InlineData("http://guest:guest@localhost:5672")]
    public void Refuses_anything_but_an_amqp_uri(string? connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AmqpAddress.Parse(connectionString));
        Assert.Contains("ConnectionStrings:rabbitmq", error.Message, StringComparison.Ordinal);
    }
}
