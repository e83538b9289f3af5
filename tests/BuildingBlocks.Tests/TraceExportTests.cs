using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using TrustedOss.ServiceDefaults;
using TrustedOss.TestSupport;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>
/// The service defaults' tracing as wired (sampler, errors kept, exporter), with an in-memory
/// exporter in place of the dashboard's: which server spans leave the process.
/// </summary>
[Collection(HostsWithTracing.Name)]
public sealed class TraceExportTests
{
    private const string Sampled = "01";
    private const string NotSampled = "00";

    [Fact]
    public async Task A_service_exports_the_spans_of_a_trace_the_gateway_sampled_whatever_its_own_ratio()
    {
        var (app, exported) = await StartAsync(edge: false, ratio: 0);
        await using var _ = app;
        var (traceId, parentId) = await GetAsync(app, "/ok", Sampled);

        var span = await ExportedAsync(exported, traceId);
        Assert.Equal(parentId, span.ParentSpanId);
    }

    [Fact]
    public async Task A_service_exports_nothing_of_a_trace_the_gateway_did_not_sample()
    {
        var (app, exported) = await StartAsync(edge: false, ratio: 1);
        await using var _ = app;
        var (unsampled, _) = await GetAsync(app, "/ok", NotSampled);
        var (sampled, _) = await GetAsync(app, "/ok", Sampled);

        await ExportedAsync(exported, sampled);
        Assert.DoesNotContain(exported.Snapshot(), span => span.TraceId == unsampled);
    }

    [Fact]
    public async Task The_gateway_ignores_a_callers_sampled_flag_but_keeps_its_trace_id_and_always_exports_failures()
    {
        var (app, exported) = await StartAsync(edge: true, ratio: 0);
        await using var _ = app;
        var (flagged, _) = await GetAsync(app, "/ok", Sampled);
        var (failed, _) = await GetAsync(app, "/fail", NotSampled);

        var failure = await ExportedAsync(exported, failed);
        Assert.Equal(ActivityStatusCode.Error, failure.Status);
        Assert.DoesNotContain(exported.Snapshot(), span => span.TraceId == flagged);
    }

    private static async Task<(WebApplication App, ExportedSpans Exported)> StartAsync(bool edge, double ratio)
    {
        var exported = new ExportedSpans();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[TraceSampling.RatioKey] = ratio.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddServiceDefaults(edge);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
        var app = builder.Build();
        app.MapGet("/ok", () => "ok");
        app.MapGet("/fail", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync();
        return (app, exported);
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
    private static Task<Activity> ExportedAsync(ExportedSpans exported, ActivityTraceId traceId) =>
        Eventually.ValueAsync(
            () => Task.FromResult(exported.Snapshot().FirstOrDefault(span => span.TraceId == traceId && span.Kind == ActivityKind.Server)),
            TimeSpan.FromSeconds(5), $"the server span of trace {traceId} to be exported");

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
