using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace TrustedOss.ServiceDefaults;

/// <summary>
/// Which traces are exported, under the operator's control (<c>Telemetry__TraceSampleRatio</c>,
/// 1 by default: every trace). The edge decides for a whole trace, by its trace id; each service
/// behind it follows the <c>traceparent</c> it receives (parent-based), so a trace is either
/// complete or absent. Traces not sampled are still recorded in process, never exported, except a
/// span that ends in error: that one is always exported, so failures stay visible whatever the ratio.
/// </summary>
public static class TraceSampling
{
    public const string RatioKey = "Telemetry:TraceSampleRatio";

    /// <param name="ratio">The share of traces exported, 0 to 1.</param>
    /// <param name="edge">
    /// Whether this process takes requests from outside (the gateway). A caller's <c>traceparent</c>
    /// then names the trace a request belongs to, not whether it is exported: a client flagging every
    /// request sampled would otherwise choose the dashboard's load. The ratio decides by trace id, so
    /// a request that comes back through the edge (the web page's calls) gets the same answer.
    /// </param>
    public static Sampler For(double ratio, bool edge)
    {
        var byRatio = new RatioOrRecord(ratio);
        var sampled = new AlwaysOnSampler();
        var notSampled = new RecordOnlySampler();
        return edge
            ? new ParentBasedSampler(byRatio, byRatio, byRatio, sampled, notSampled)
            : new ParentBasedSampler(byRatio, sampled, notSampled, sampled, notSampled);
    }

    /// <summary>Placed before the exporter: marks a failed span as sampled, so the exporter takes it.</summary>
    public sealed class KeepErrors : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.Status == ActivityStatusCode.Error)
            {
                data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
            }
        }
    }

    /// <summary>A root: sampled at the ratio (by trace id, so every replica agrees), else recorded only.</summary>
    private sealed class RatioOrRecord(double ratio) : Sampler
    {
        private readonly TraceIdRatioBasedSampler ratioSampler = new(ratio);

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            ratioSampler.ShouldSample(samplingParameters).Decision == SamplingDecision.RecordAndSample
                ? new SamplingResult(SamplingDecision.RecordAndSample)
                : new SamplingResult(SamplingDecision.RecordOnly);
    }

    private sealed class RecordOnlySampler : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) => new(SamplingDecision.RecordOnly);
    }
}
