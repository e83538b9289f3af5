using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.ServiceDefaults;

/// <summary>
/// What every service and the gateway share: telemetry, health, service discovery, resilient
/// HTTP clients, problem+json errors and request ids.
/// </summary>
public static class Extensions
{
    public const string LiveTag = "live";

    /// <summary>The largest request body anywhere except webhook deliveries (64 KiB).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <param name="edge">Whether this process takes requests from outside: it then decides which traces are exported (<see cref="TraceSampling.For"/>).</param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, bool edge = false) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(edge);
        if (builder is WebApplicationBuilder web)
        {
            ManagementPort.Listen(web);
        }

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler(ServiceCallResilience.Configure);
            http.AddServiceDiscovery();
        });

        builder.Services.AddSingleton(TimeProvider.System);
        // Every request body is small but a webhook delivery's, which raises its own limit: a larger
        // body is refused with 413 before it is read.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // Outside Development, minimal APIs answer a body they cannot read with a bare status code
        // unless told to throw: the exception handler then gives the contract's answer everywhere.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddApiProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Apply(json.SerializerOptions));
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, bool edge) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        // Console lines carry the trace id too, so a log line can be found in its trace.
        builder.Logging.AddSimpleConsole(console => console.IncludeScopes = true);

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Telemetry.NamePattern))
            .WithTracing(tracing => tracing
                .SetSampler(TraceSampling.For(SampleRatio(builder.Configuration), edge))
                .AddProcessor(new TraceSampling.KeepErrors())
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(Telemetry.NamePattern)
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Probes would drown the traces people look for.
                    aspnet.Filter = context => !context.Request.Path.StartsWithSegments("/health")
                        && !context.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    private static double SampleRatio(IConfiguration configuration)
    {
        var ratio = configuration.GetValue(TraceSampling.RatioKey, 1.0);
        return ratio is >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException($"{TraceSampling.RatioKey} must be between 0 and 1, not {ratio}.");
    }

    /// <summary>
    /// <c>/alive</c> answers while the process runs; <c>/health</c> also checks the service's own
    /// dependencies (its database, Redis, RabbitMQ). Neither is routed by the gateway.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) }).AllowAnonymous();
        return app;
    }
}
