using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TrustedOss.Messaging;

public static class MessagingExtensions
{
    public const string ConnectionName = "rabbitmq";
    private const string MassTransitTelemetry = "MassTransit";

    /// <summary>
    /// MassTransit over RabbitMQ. Consumers get bounded exponential retries; a message that still
    /// fails is moved to the <c>{queue}_error</c> queue (the dead-letter path), never dropped and
    /// never retried forever. Trace context travels in the message headers.
    /// </summary>
    public static TBuilder AddMessaging<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<MessagingOptions>()
            .BindConfiguration(MessagingOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.RetryMinInterval <= o.RetryMaxInterval, "RetryMinInterval must not exceed RetryMaxInterval.")
            .ValidateOnStart();

        var amqp = AmqpAddress.Parse(builder.Configuration.GetConnectionString(ConnectionName));

        // MassTransit's own spans and metrics join each message's trace across services.
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(MassTransitTelemetry))
            .WithMetrics(metrics => metrics.AddMeter(MassTransitTelemetry));

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                rabbit.Host(amqp.Host, amqp.Port, amqp.VirtualHost, host =>
                {
                    host.Username(amqp.UserName);
                    host.Password(amqp.Password);
                });
                rabbit.UseMessageRetry(retry => retry.Exponential(
                    options.RetryLimit,
                    options.RetryMinInterval,
                    options.RetryMaxInterval,
                    options.RetryMinInterval).Ignore<InvalidMessageException>());
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
