using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.BuildingBlocks.Tests;

/// <summary>
/// How the service defaults answer a request they cannot use, in Production as in Development
/// (minimal APIs answer a body they cannot read differently in each unless told otherwise).
/// </summary>
[Collection(HostsWithTracing.Name)]
public sealed class BadRequestAnswerTests
{
    private sealed record Thing(int Count);

    [Theory]
    [InlineData("Production", "{")]
    [InlineData("Development", "{")]
    [InlineData("Production", """{"count": }""")]
    [InlineData("Development", """{"count": tru}""")]
    public async Task A_body_that_is_not_JSON_is_a_400_Invalid_JSON(string environment, string body)
    {
        await using var app = await StartAsync(environment);

        var problem = await ProblemAsync(await PostAsync(app, body, "application/json"), HttpStatusCode.BadRequest);

        Assert.Equal(("Invalid JSON", "The request body is not valid JSON."), (Title(problem), Detail(problem)));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task A_field_of_the_wrong_type_is_a_422_naming_it(string environment)
    {
        await using var app = await StartAsync(environment);

        var problem = await ProblemAsync(await PostAsync(app, """{"count":"three"}""", "application/json"), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Validation Error", Title(problem));
        Assert.True(problem.GetProperty("errors").TryGetProperty("count", out _));
    }

    [Fact]
    public async Task A_body_of_another_media_type_is_a_415()
    {
        await using var app = await StartAsync("Production");

        var problem = await ProblemAsync(await PostAsync(app, "count=3", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType);

        Assert.Equal("Unsupported Media Type", Title(problem));
        Assert.False(string.IsNullOrWhiteSpace(Detail(problem)));
    }

    [Fact]
    public async Task A_route_value_of_the_wrong_form_is_a_404_problem_with_every_field()
    {
        await using var app = await StartAsync("Production");

        using var response = await app.GetTestClient().GetAsync("/things/not-a-guid");
        var problem = await ProblemAsync(response, HttpStatusCode.NotFound);

        Assert.False(string.IsNullOrWhiteSpace(Detail(problem)));
        Assert.Equal("/things/not-a-guid", problem.GetProperty("instance").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("type", out _));
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    public async Task A_client_that_accepts_no_JSON_gets_the_problem_all_the_same(string accept)
    {
        await using var app = await StartAsync("Production");
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("Accept", accept);

        using var noRoute = await client.GetAsync("/nothing-here");
        using var failed = await client.GetAsync("/fails");

        Assert.False(string.IsNullOrWhiteSpace(Detail(await ProblemAsync(noRoute, HttpStatusCode.NotFound))));
        var problem = await ProblemAsync(failed, HttpStatusCode.InternalServerError);
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("request_id", out _));
    }

    private static async Task<WebApplication> StartAsync(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults(edge: false);
        var app = builder.Build();
        app.UseApiDefaults();
        app.MapPost("/things", (Thing thing) => Results.Ok(thing.Count));
        app.MapGet("/things/{id:guid}", (Guid id) => Results.Ok(id));
        app.MapGet("/fails", IResult () => throw new InvalidOperationException("A defect."));
        await app.StartAsync();
        return app;
    }

    private static Task<HttpResponseMessage> PostAsync(WebApplication app, string body, string mediaType) =>
        app.GetTestClient().PostAsync("/things", new StringContent(body, Encoding.UTF8, mediaType));

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string? Title(JsonElement problem) => problem.GetProperty("title").GetString();

    private static string? Detail(JsonElement problem) => problem.GetProperty("detail").GetString();
}
