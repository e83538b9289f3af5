using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;
using TrustedOss.ServiceDefaults;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class DependencyOutageTests
{
    [Fact]
    public void A_peer_that_cannot_be_reached_is_an_outage() =>
        Assert.True(DependencyOutage.Is(new HttpRequestException("Connection refused (localhost:5101)", new IOException())));

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public void A_peer_answering_that_it_failed_is_busy_or_ran_out_of_time_is_an_outage(HttpStatusCode status) =>
        Assert.True(DependencyOutage.Is(Answered(status)));

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public void A_peer_refusing_the_request_is_a_defect_not_an_outage(HttpStatusCode status) =>
        Assert.False(DependencyOutage.Is(Answered(status)));

    [Fact]
    public void A_wait_that_ran_out_or_an_open_circuit_is_an_outage()
    {
        Assert.True(DependencyOutage.Is(new TimeoutException()));
        Assert.True(DependencyOutage.Is(new TimeoutRejectedException()));
        Assert.True(DependencyOutage.Is(new BrokenCircuitException()));
    }

    [Fact]
    public void Anything_else_is_not_an_outage() =>
        Assert.False(DependencyOutage.Is(new InvalidOperationException("A bug.")));

    /// <summary>What <see cref="HttpResponseMessage.EnsureSuccessStatusCode"/> throws for the answer.</summary>
    private static HttpRequestException Answered(HttpStatusCode status)
    {
        using var response = new HttpResponseMessage(status);
        return Assert.Throws<HttpRequestException>(() => response.EnsureSuccessStatusCode());
    }
}
