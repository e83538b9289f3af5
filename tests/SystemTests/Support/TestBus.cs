using System.Diagnostics;
using MassTransit;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// A MassTransit bus in the test process on the system's RabbitMQ. It listens to MassTransit's
/// spans so that what it publishes carries the caller's trace context.
/// </summary>
internal sealed class TestBus : IAsyncDisposable
{
    private readonly IBusControl bus;
    private readonly ActivityListener listener;

    private TestBus(IBusControl bus, ActivityListener listener)
    {
        this.bus = bus;
        this.listener = listener;
    }

    public IPublishEndpoint Publisher => bus;

    public static async Task<TestBus> StartAsync(string amqpConnectionString)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var amqp = new Uri(amqpConnectionString);
        var credentials = amqp.UserInfo.Split(':', 2);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(amqp.Host, (ushort)amqp.Port, "/", host =>
        {
            host.Username(Uri.UnescapeDataString(credentials[0]));
            host.Password(Uri.UnescapeDataString(credentials[1]));
        }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await bus.StartAsync(timeout.Token);
        return new TestBus(bus, listener);
    }

    public async ValueTask DisposeAsync()
    {
        await bus.StopAsync();
        listener.Dispose();
    }
}
