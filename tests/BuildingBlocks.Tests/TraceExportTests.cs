using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>
/// The service defaults' tracing as wired (sampler, errors kept, exporter), with an in-memory
/// exporter in place of the dashboard's: which server spans leave the process.
/// </summary>
public sealed class TraceExportTests
{
    private const string Sampled = "01";
    private const string NotSampled = "00";

    [Fact]
    public async Task A_service_exports_the_spans_of_a_trace_the_gateway_sampled_whatever_its_own_ratio()
    {
        await using var app = await StartAsync(edge: false, ratio: 0, out var exported);
        var (traceId, parentId) = await GetAsync(app, "/ok", Sampled);

        var span = await ExportedAsync(exported, traceId);
        Assert.Equal(parentId, span.ParentSpanId);
    }

    [Fact]
    public async Task A_service_exports_nothing_of_a_trace_the_gateway_did_not_sample()
    {
        await using var app = await StartAsync(edge: false, ratio: 1, out var exported);
        var (unsampled, _) = await GetAsync(app, "/ok", NotSampled);
        var (sampled, _) = await GetAsync(app, "/ok", Sampled);

        await ExportedAsync(exported, sampled);
        Assert.DoesNotContain(exported.Snapshot(), span => span.TraceId == unsampled);
    }

    [Fact]
    public async Task The_gateway_ignores_a_callers_sampled_flag_but_keeps_its_trace_id_and_always_exports_failures()
    {
        await using var app = await StartAsync(edge: true, ratio: 0, out var exported);
        var (flagged, _) = await GetAsync(app, "/ok", Sampled);
        var (failed, _) = await GetAsync(app, "/fail", NotSampled);

        var failure = await ExportedAsync(exported, failed);
        Assert.Equal(ActivityStatusCode.Error, failure.Status);
        Assert.DoesNotContain(exported.Snapshot(), span => span.TraceId == flagged);
    }

    private static Task<WebApplication> StartAsync(bool edge, double ratio, out ExportedSpans exported)
    {
        var spans = exported = new ExportedSpans();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[TraceSampling.RatioKey] = ratio.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddServiceDefaults(edge);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        var app = builder.Build();
        app.MapGet("/ok", () => "ok");
        app.MapGet("/fail", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        return app.StartAsync().ContinueWith(_ => app, TaskScheduler.Default);
    }

    /// <summary>Sends a request as the next hop of a new trace; its trace id and the caller's span id.</summary>
    private static async Task<(ActivityTraceId TraceId, ActivitySpanId ParentId)> GetAsync(WebApplication app, string path, string flags)
    {
        var (traceId, parentId) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{parentId.ToHexString()}-{flags}");
        using var response = await app.GetTestClient().SendAsync(request);
        return (traceId, parentId);
    }

    /// <summary>The server span of the trace, once exported (a span is exported as it ends, just after its answer).</summary>
    private static async Task<Activity> ExportedAsync(ExportedSpans exported, ActivityTraceId traceId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (exported.Snapshot().FirstOrDefault(span => span.TraceId == traceId && span.Kind == ActivityKind.Server) is { } span)
            {
                return span;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"No server span of trace {traceId} was exported.");
    }

    /// <summary>The exporter adds spans as requests end, on the server's threads.</summary>
    private sealed class ExportedSpans : System.Collections.ObjectModel.Collection<Activity>
    {
        public Activity[] Snapshot()
        {
            lock (Items)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (Items)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
