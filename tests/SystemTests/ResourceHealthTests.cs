using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TrustedOss.AppHost;

using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

[Collection(SystemTestGroup.Name)]
public sealed class ResourceHealthTests(SystemFixture system)
{
    public static TheoryData<string> Resources() => [.. ResourceNames.All];

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task Every_resource_is_running_and_healthy(string name)
    {
        var instances = await system.InstancesAsync(name);

        Assert.NotEmpty(instances);
        foreach (var instance in instances)
        {
            Assert.True(system.App.ResourceNotifications.TryGetCurrentState(instance, out var resource), $"{instance} has no state");
            Assert.Equal(KnownResourceStates.Running, resource.Snapshot.State?.Text);
            Assert.Equal(HealthStatus.Healthy, resource.Snapshot.HealthStatus);
        }
    }

    [Theory]
    [InlineData(ResourceNames.Keys)]
    [InlineData(ResourceNames.WebhookIngest)]
    [InlineData(ResourceNames.Scans)]
    [InlineData(ResourceNames.Web)]
    public async Task The_tests_run_two_replicas_of_every_service(string service) =>
        Assert.Equal(2, (await system.InstancesAsync(service)).Count);

    [Theory]
    [InlineData(ResourceNames.Keys)]
    [InlineData(ResourceNames.WebhookIngest)]
    [InlineData(ResourceNames.Scans)]
    public async Task Each_service_reports_its_own_dependencies_healthy_on_its_management_port(string service)
    {
        using var client = system.App.CreateHttpClient(service, ManagementEndpoint.Name);
        var report = await client.GetFromJsonAsync<HealthReportBody>("/health", Json.Api);

        Assert.NotNull(report);
        Assert.Equal("Healthy", report.Status);
        // Its database, Redis and the message bus are each checked by name.
        Assert.Contains(report.Checks.Keys, k => k.Contains("postgres", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(report.Checks.Keys, k => k.Contains("redis", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(report.Checks.Keys, k => k.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
        Assert.All(report.Checks.Values, c => Assert.Equal("Healthy", c.Status));
    }

    [Theory]
    [InlineData(ResourceNames.Gateway)]
    [InlineData(ResourceNames.Keys)]
    [InlineData(ResourceNames.Scans)]
    public async Task The_public_port_says_only_whether_it_is_healthy(string resource)
    {
        using var client = system.App.CreateHttpClient(resource, "http");

        var body = await client.GetStringAsync("/health");

        Assert.Equal("""{"status":"Healthy"}""", body);
    }

    [Fact]
    public void Only_the_gateways_public_port_is_external()
    {
        var model = system.App.Services.GetRequiredService<DistributedApplicationModel>();
        var external = model.Resources.OfType<IResourceWithEndpoints>()
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Where(e => e.IsExternal).Select(e => $"{r.Name}/{e.Name}"));

        Assert.Equal(["gateway/http"], external);
    }

    private sealed record HealthReportBody(string Status, Dictionary<string, HealthCheckBody> Checks);

    private sealed record HealthCheckBody(string Status, string? Description);
}
