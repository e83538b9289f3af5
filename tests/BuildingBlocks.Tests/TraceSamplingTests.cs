using System.Diagnostics;
using OpenTelemetry.Trace;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class TraceSamplingTests
{
    private static SamplingDecision Decide(double ratio, ActivityContext parent, ActivityTraceId traceId, bool edge = false) =>
        TraceSampling.For(ratio, edge).ShouldSample(new SamplingParameters(parent, traceId, "request", ActivityKind.Server)).Decision;

    private static ActivityContext Parent(ActivityTraceId traceId, bool sampled, bool remote) =>
        new(traceId, ActivitySpanId.CreateRandom(), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: remote);

    [Fact]
    public void A_root_is_exported_at_ratio_one_and_only_recorded_at_ratio_zero()
    {
        var traceId = ActivityTraceId.CreateRandom();
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(1, default, traceId));
        Assert.Equal(SamplingDecision.RecordOnly, Decide(0, default, traceId));
    }

    [Fact]
    public void Roots_are_exported_at_about_the_ratio_and_the_same_trace_id_always_gets_the_same_answer()
    {
        var traceIds = Enumerable.Range(0, 4000).Select(_ => ActivityTraceId.CreateRandom()).ToList();
        var first = traceIds.Select(id => Decide(0.25, default, id)).ToList();
        var again = traceIds.Select(id => Decide(0.25, default, id)).ToList();

        // Every replica decides alike for a trace id, so a trace is complete or absent.
        Assert.Equal(first, again);
        var exported = first.Count(d => d == SamplingDecision.RecordAndSample);
        Assert.InRange(exported, 850, 1150);
        Assert.DoesNotContain(SamplingDecision.Drop, first);
    }

    [Fact]
    public void A_service_follows_the_decision_in_the_traceparent_it_receives_whatever_the_ratio()
    {
        var traceId = ActivityTraceId.CreateRandom();
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(0, Parent(traceId, sampled: true, remote: true), traceId));
        Assert.Equal(SamplingDecision.RecordOnly, Decide(1, Parent(traceId, sampled: false, remote: true), traceId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_span_in_process_follows_its_parent(bool edge)
    {
        var traceId = ActivityTraceId.CreateRandom();
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(0, Parent(traceId, sampled: true, remote: false), traceId, edge));
        Assert.Equal(SamplingDecision.RecordOnly, Decide(1, Parent(traceId, sampled: false, remote: false), traceId, edge));
    }

    [Fact]
    public void The_edge_decides_by_the_ratio_whatever_a_caller_flagged()
    {
        var traceId = ActivityTraceId.CreateRandom();
        Assert.Equal(SamplingDecision.RecordOnly, Decide(0, Parent(traceId, sampled: true, remote: true), traceId, edge: true));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(1, Parent(traceId, sampled: false, remote: true), traceId, edge: true));

        // A call that comes back through the edge in the same trace gets the same answer as its root.
        var traceIds = Enumerable.Range(0, 200).Select(_ => ActivityTraceId.CreateRandom());
        Assert.All(traceIds, id => Assert.Equal(
            Decide(0.5, default, id, edge: true),
            Decide(0.5, Parent(id, sampled: true, remote: true), id, edge: true)));
    }

    [Fact]
    public void A_failed_span_of_an_unexported_trace_is_marked_for_export_and_a_good_one_is_not()
    {
        using var source = new ActivitySource("trace-sampling-tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        var keepErrors = new TraceSampling.KeepErrors();

        using var failed = source.StartActivity("failed")!;
        failed.SetStatus(ActivityStatusCode.Error);
        failed.Stop();
        keepErrors.OnEnd(failed);

        using var succeeded = source.StartActivity("succeeded")!;
        succeeded.SetStatus(ActivityStatusCode.Ok);
        succeeded.Stop();
        keepErrors.OnEnd(succeeded);

        Assert.True(failed.Recorded);
        Assert.False(succeeded.Recorded);
    }
}
