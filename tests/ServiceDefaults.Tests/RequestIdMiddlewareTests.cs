using Microsoft.AspNetCore.Http;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.ServiceDefaults.Tests;

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
    public void Refuses_an_overlong_id() => Assert.False(RequestIdMiddleware.IsSane(new string('a', 129)));

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
