using System.Net;
using System.Net.Http.Json;

using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>The gateway is the only door: each path reaches the service that owns it.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class GatewayRoutingTests(SystemFixture system)
{
    [Fact]
    public async Task Scan_paths_reach_the_scan_service()
    {
        var scanId = Guid.NewGuid();
        using var admin = await new Api(system).AdminAsync();
        using var response = await admin.GetAsync($"/v1/scans/{scanId}");

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("Scan Not Found", problem.GetProperty("title").GetString());
        Assert.Equal($"/v1/scans/{scanId}", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Webhook_paths_reach_the_webhook_service()
    {
        using var response = await system.Gateway.PostAsync("/v1/webhooks/github", new ByteArrayContent([]));

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Empty Body", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Auth_paths_reach_the_keys_service()
    {
        using var client = system.NewClient();
        using var response = await client.PostAsJsonAsync("/auth/login", new { email = "" });

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Validation Error", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Unknown_path_is_a_problem_from_the_gateway()
    {
        using var response = await system.Gateway.GetAsync("/v1/nothing-here");

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("/v1/nothing-here", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task A_sane_request_id_is_echoed_through_gateway_and_service()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/gitlab") { Content = new ByteArrayContent([]) };
        request.Headers.Add("X-Request-ID", "ci-run-42.step-7");
        using var response = await system.Gateway.SendAsync(request);

        Assert.Equal("ci-run-42.step-7", Assert.Single(response.Headers.GetValues("X-Request-ID")));
        var problem = await Problems.ExpectAsync(response, HttpStatusCode.BadRequest);
        // The service worked under the server's own id, the one the gateway minted and returned.
        Assert.Equal(Assert.Single(response.Headers.GetValues("X-Server-Request-ID")), problem.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task An_insane_request_id_is_replaced()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/gitlab") { Content = new ByteArrayContent([]) };
        request.Headers.TryAddWithoutValidation("X-Request-ID", "bad id with spaces <script>");
        using var response = await system.Gateway.SendAsync(request);

        var echoed = Assert.Single(response.Headers.GetValues("X-Request-ID"));
        Assert.NotEqual("bad id with spaces <script>", echoed);
        Assert.Matches("^[0-9a-f]{32}$", echoed);
    }
}
