using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.Web;
using TrustedOss.Web.Api;

namespace TrustedOss.Web.Tests;

public sealed class GatewayCallResilienceTests
{
    [Fact]
    public void The_pages_calls_wait_longer_than_the_calls_between_services_and_keep_their_other_rules()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddGatewayApi();
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>();

        var page = options.Get(GatewayCallResilience.OptionsName);

        Assert.Equal((GatewayCallResilience.AttemptTimeout, GatewayCallResilience.TotalTimeout), (page.AttemptTimeout.Timeout, page.TotalRequestTimeout.Timeout));
        Assert.True(page.AttemptTimeout.Timeout > ServiceCallResilience.TotalTimeout);
        Assert.Equal(2, page.Retry.MaxRetryAttempts);
    }

    [Fact]
    public async Task The_pages_breaker_counts_only_a_gateway_that_does_not_answer_and_a_change_is_never_sent_twice()
    {
        var page = PageOptions();
        var context = ResilienceContextPool.Shared.Get();
        ValueTask<bool> Breaks(Outcome<HttpResponseMessage> outcome) =>
            page.CircuitBreaker.ShouldHandle(new CircuitBreakerPredicateArguments<HttpResponseMessage>(context, outcome));

        Assert.False(await Breaks(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.TooManyRequests))));
        Assert.False(await Breaks(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))));
        Assert.False(await Breaks(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError))));
        Assert.True(await Breaks(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused"))));
        Assert.True(await Breaks(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));

        var lost = Outcome.FromException<HttpResponseMessage>(new HttpRequestException("connection reset"));
        Assert.True(await RetriesAsync(page, HttpMethod.Get, lost));
        Assert.False(await RetriesAsync(page, HttpMethod.Post, lost));
        Assert.False(await RetriesAsync(page, HttpMethod.Put, lost));
        Assert.False(await RetriesAsync(page, HttpMethod.Delete, lost));
    }

    private static async Task<bool> RetriesAsync(HttpStandardResilienceOptions page, HttpMethod method, Outcome<HttpResponseMessage> outcome)
    {
        var context = ResilienceContextPool.Shared.Get();
        using var request = new HttpRequestMessage(method, "http://gateway/v1/api-keys");
        context.SetRequestMessage(request);
        return await page.Retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, outcome, 0));
    }

    private static HttpStandardResilienceOptions PageOptions()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddGatewayApi();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(GatewayCallResilience.OptionsName);
    }
}
