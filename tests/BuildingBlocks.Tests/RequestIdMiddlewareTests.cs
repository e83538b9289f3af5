using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class RequestIdMiddlewareTests
{
    [Theory]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("ci-run-42.step_7:attempt-2")]
    public void Accepts_token_characters(string id) => Assert.True(RequestIdMiddleware.IsSane(id));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\r\nX-Injected: 1")]
    [InlineData("<script>")]
    [InlineData("ünïcode")]
    public void Refuses_anything_that_could_break_a_header_or_log_line(string id) => Assert.False(RequestIdMiddleware.IsSane(id));

    [Fact]
    public void Takes_ids_up_to_128_characters()
    {
        Assert.True(RequestIdMiddleware.IsSane(new string('a', 128)));
        Assert.False(RequestIdMiddleware.IsSane(new string('a', 129)));
    }

    [Fact]
    public async Task The_response_carries_the_id_and_nosniff_and_the_span_is_tagged()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("request-id-tests");
        using var span = source.StartActivity("request");
        var response = new StartableResponse();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(response);
        context.Request.Headers[RequestIdMiddleware.HeaderName] = "client-8";

        await new RequestIdMiddleware(_ => Task.CompletedTask).InvokeAsync(context);
        await response.StartAsync();

        Assert.Equal("client-8", context.Response.Headers[RequestIdMiddleware.HeaderName].ToString());
        Assert.Equal("nosniff", context.Response.Headers.XContentTypeOptions.ToString());
        Assert.Equal("client-8", span!.GetTagItem(RequestIdMiddleware.ActivityTag));
    }

    /// <summary>A response whose OnStarting callbacks run when the test says the response starts.</summary>
    private sealed class StartableResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> starting = [];

        public override void OnStarting(Func<object, Task> callback, object state) => starting.Add((callback, state));

        public async Task StartAsync()
        {
            foreach (var (callback, state) in starting)
            {
                await callback(state);
            }
        }
    }

    [Fact]
    public async Task Uses_a_sane_client_id_as_the_trace_identifier()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[RequestIdMiddleware.HeaderName] = "client-7";
        string? seen = null;
        var middleware = new RequestIdMiddleware(c => { seen = c.TraceIdentifier; return Task.CompletedTask; });

        await middleware.InvokeAsync(context);

        Assert.Equal("client-7", seen);
    }

    [Fact]
    public async Task Replaces_an_insane_client_id_with_a_new_one()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[RequestIdMiddleware.HeaderName] = "bad id";
        var middleware = new RequestIdMiddleware(_ => Task.CompletedTask);

        await middleware.InvokeAsync(context);

        Assert.Matches("^[0-9a-f]{32}$", context.TraceIdentifier);
        Assert.Equal(context.TraceIdentifier, context.Request.Headers[RequestIdMiddleware.HeaderName].ToString());
    }
}
