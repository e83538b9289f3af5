using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TrustedOss.Data;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.Messaging;

public static class MessagingExtensions
{
    public const string ConnectionName = "rabbitmq";
    private const string MassTransitTelemetry = "MassTransit";

    /// <summary>
    /// MassTransit over RabbitMQ. Consumers get bounded exponential retries, longer ones while a
    /// dependency is down; a message that still fails is moved to the <c>{queue}_error</c> queue
    /// (the dead-letter path), never dropped and never retried forever. Trace context travels in
    /// the message headers.
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
        builder.Services.AddSingleton(new QueueBacklog(amqp));

        // MassTransit's own spans and metrics join each message's trace across services.
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(MassTransitTelemetry))
            .WithMetrics(metrics => metrics.AddMeter(MassTransitTelemetry));

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            // MassTransit otherwise posts usage statistics to its vendor's server a few minutes after
            // start: nothing about this system leaves for a third party.
            bus.DisableUsageTelemetry();
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                rabbit.Host(amqp.Host, amqp.Port, amqp.VirtualHost, host =>
                {
                    host.Username(amqp.UserName);
                    host.Password(amqp.Password);
                    if (amqp.UseTls)
                    {
                        // The broker's certificate is checked against its host name, as for any TLS client.
                        host.UseSsl(ssl => ssl.ServerName = amqp.Host);
                    }
                });
                // Outer: a dependency that is down is waited out. A message moved to the error queue
                // because the database restarted would be a scan that never runs.
                rabbit.UseMessageRetry(retry =>
                {
                    retry.Exponential(options.OutageRetryLimit, options.RetryMinInterval, options.OutageRetryMaxInterval, options.RetryMinInterval);
                    retry.Handle<Exception>(IsOutage);
                });
                // Inner: anything else is retried a few times, then goes to the error queue.
                rabbit.UseMessageRetry(retry =>
                {
                    retry.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval);
                    retry.Ignore<InvalidMessageException>();
                    retry.Ignore<Exception>(IsOutage);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    private static bool IsOutage(Exception exception) => DatabaseOutage.Is(exception) || DependencyOutage.Is(exception);
}
