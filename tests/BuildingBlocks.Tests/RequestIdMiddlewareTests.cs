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

        await new RequestIdMiddleware(_ => Task.CompletedTask, atEdge: true).InvokeAsync(context);
        await response.StartAsync();

        Assert.Equal("client-8", context.Response.Headers[RequestIdMiddleware.HeaderName].ToString());
        Assert.Equal(context.TraceIdentifier, context.Response.Headers[RequestIdMiddleware.ServerHeaderName].ToString());
        Assert.Equal("nosniff", context.Response.Headers.XContentTypeOptions.ToString());
        Assert.Equal(context.TraceIdentifier, span!.GetTagItem(RequestIdMiddleware.ActivityTag));
        Assert.Equal("client-8", span.GetTagItem(RequestIdMiddleware.ClientActivityTag));
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
    public async Task At_the_edge_the_server_mints_its_own_id_whatever_the_client_sent()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[RequestIdMiddleware.HeaderName] = "client-7";
        context.Request.Headers[RequestIdMiddleware.ServerHeaderName] = "chosen-by-client";
        string? seen = null;

        await new RequestIdMiddleware(c => { seen = c.TraceIdentifier; return Task.CompletedTask; }, atEdge: true).InvokeAsync(context);

        Assert.Matches("^[0-9a-f]{32}$", seen);
        // What the services behind the gateway receive: the server's id, and the client's beside it.
        Assert.Equal(seen, context.Request.Headers[RequestIdMiddleware.ServerHeaderName].ToString());
        Assert.Equal("client-7", RequestIdMiddleware.ClientRequestId(context));
    }

    [Fact]
    public async Task Behind_the_edge_the_gateways_id_is_taken()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[RequestIdMiddleware.ServerHeaderName] = "0123456789abcdef0123456789abcdef";

        await new RequestIdMiddleware(_ => Task.CompletedTask, atEdge: false).InvokeAsync(context);

        Assert.Equal("0123456789abcdef0123456789abcdef", context.TraceIdentifier);
        Assert.Null(RequestIdMiddleware.ClientRequestId(context));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_insane_client_id_is_dropped_and_the_response_carries_the_servers(bool atEdge)
    {
        var context = new DefaultHttpContext();
        var response = new StartableResponse();
        context.Features.Set<IHttpResponseFeature>(response);
        context.Request.Headers[RequestIdMiddleware.HeaderName] = "bad id";

        await new RequestIdMiddleware(_ => Task.CompletedTask, atEdge).InvokeAsync(context);
        await response.StartAsync();

        Assert.Matches("^[0-9a-f]{32}$", context.TraceIdentifier);
        Assert.False(context.Request.Headers.ContainsKey(RequestIdMiddleware.HeaderName));
        Assert.Equal(context.TraceIdentifier, context.Response.Headers[RequestIdMiddleware.HeaderName].ToString());
    }
}
