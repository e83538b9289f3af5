using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
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
}
