using MassTransit;
using RabbitMQ.Client;

namespace TrustedOss.Messaging;

/// <summary>
/// How many messages wait in a consumer's queue, not yet handed to any consumer (RabbitMQ's
/// "ready" count, cluster-wide), asked with a passive declare over a connection of its own, opened
/// for the question: it is asked rarely (a reaper's round), and MassTransit's connections are not
/// for borrowing. Messages a consumer holds (running, or retried in memory) are not counted; a
/// consumer whose prefetch exceeds what it runs at once holds waiting messages out of this count.
/// </summary>
public sealed class QueueBacklog(AmqpAddress amqp)
{
    /// <summary>The messages waiting in <typeparamref name="TConsumer"/>'s queue (MassTransit's kebab-case endpoint name).</summary>
    public async Task<uint> WaitingAsync<TConsumer>(CancellationToken cancellationToken)
        where TConsumer : class, IConsumer
    {
        var factory = new ConnectionFactory
        {
            HostName = amqp.Host,
            Port = amqp.Port,
            VirtualHost = amqp.VirtualHost,
            UserName = amqp.UserName,
            Password = amqp.Password,
            Ssl = new SslOption { Enabled = amqp.UseTls, ServerName = amqp.Host },
            AutomaticRecoveryEnabled = false,
            ClientProvidedName = "queue backlog",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = await channel.QueueDeclarePassiveAsync(KebabCaseEndpointNameFormatter.Instance.Consumer<TConsumer>(), cancellationToken);
        return queue.MessageCount;
    }
}
