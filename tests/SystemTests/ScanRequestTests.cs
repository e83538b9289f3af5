using System.Net;
using System.Text;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>A trigger body is strict: what a pipeline gets wrong is named, never a 500.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class ScanRequestTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Theory]
    [InlineData("""{"kind":"binary"}""", "kind")]
    [InlineData("""{}""", "kind")]
    [InlineData("""{"kind":"source","branch":"main"}""", "branch")]
    [InlineData("""{"kind":"source","ref":"-upload-pack=evil"}""", "ref")]
    [InlineData("""{"kind":"source","ref":"a..b"}""", "ref")]
    [InlineData("""{"kind":"source","ref":42}""", "ref")]
    [InlineData("""[1]""", "body")]
    public async Task A_bad_trigger_is_a_validation_error_naming_the_field(string body, string field)
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        using var response = await pipeline.PostAsync($"/v1/projects/{project.Id}/scans", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
    }

    [Theory]
    [InlineData("{kind:")]
    // Strings the parser takes but no text can hold (an unpaired surrogate), as a value and as a name.
    [InlineData("""{"kind":"\udc00"}""")]
    [InlineData("""{"kind":"source","ref":"\ud800"}""")]
    [InlineData("""{"\ud800":1}""")]
    public async Task Unreadable_json_is_a_bad_request(string body)
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        using var response = await pipeline.PostAsync($"/v1/projects/{project.Id}/scans", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Invalid JSON", problem.GetProperty("title").GetString());
    }
}
