using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace TrustedOss.Gateway.Tests;

/// <summary>What the client gets when forwarding failed: its own mistake, or the contract's 503 for an outage.</summary>
public sealed class UpstreamOutageTests
{
    private sealed record Failure(ForwarderError Error, Exception? Exception) : IForwarderErrorFeature;

    [Theory]
    // A body sent too slowly: YARP has set 408.
    [InlineData(StatusCodes.Status408RequestTimeout, StatusCodes.Status408RequestTimeout)]
    // A broken chunked body: 400.
    [InlineData(StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest)]
    // Whatever else was set, the unreadable body is still the client's 400.
    [InlineData(StatusCodes.Status502BadGateway, StatusCodes.Status400BadRequest)]
    public async Task A_body_the_client_broke_is_its_own_4xx_not_an_outage(int setByProxy, int answered)
    {
        var (status, problem, retryAfter) = await AnswerAsync(ForwarderError.RequestBodyClient, setByProxy);

        Assert.Equal(answered, status);
        Assert.Equal("The request body could not be read as it was sent.", problem.GetProperty("detail").GetString());
        Assert.Null(retryAfter);
    }

    [Theory]
    [InlineData(ForwarderError.Request)]
    [InlineData(ForwarderError.RequestTimedOut)]
    [InlineData(ForwarderError.ResponseBodyDestination)]
    public async Task A_service_that_cannot_be_reached_is_a_503_with_retry_after(ForwarderError error)
    {
        var (status, _, retryAfter) = await AnswerAsync(error, StatusCodes.Status502BadGateway);

        Assert.Equal((StatusCodes.Status503ServiceUnavailable, "5"), (status, retryAfter));
    }

    private static async Task<(int Status, JsonElement Problem, string? RetryAfter)> AnswerAsync(ForwarderError error, int setByProxy)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        var middleware = new UpstreamOutageMiddleware(c =>
        {
            c.Features.Set<IForwarderErrorFeature>(new Failure(error, new IOException("forwarding failed")));
            c.Response.StatusCode = setByProxy;
            return Task.CompletedTask;
        }, NullLogger<UpstreamOutageMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        context.Response.Body.Position = 0;
        var retryAfter = context.Response.Headers.RetryAfter.ToString();
        return (context.Response.StatusCode, JsonDocument.Parse(context.Response.Body).RootElement.Clone(), retryAfter.Length == 0 ? null : retryAfter);
    }
}
