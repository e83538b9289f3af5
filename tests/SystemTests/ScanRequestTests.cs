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

    [Fact]
    public async Task A_trigger_with_no_body_at_all_is_a_validation_error_naming_kind()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        // As `curl -X POST` without data sends it: no body.
        using var response = await pipeline.PostAsync($"/v1/projects/{project.Id}/scans", content: null);

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _), "errors should name kind");
    }

    [Fact]
    public async Task A_ref_of_many_long_parts_is_queued_and_one_longer_than_a_webhook_may_name_is_refused()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        using var pipeline = api.With(await api.AdminKeyAsync("org"));
        var longBranch = "feature/" + string.Join('/', Enumerable.Range(0, 3).Select(i => new string((char)('a' + i), 100)));

        var queued = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = longBranch });
        using var tooLong = await Scans.TriggerAsync(pipeline, project.Id, new { kind = "source", @ref = new string('a', 1025) });

        Assert.Equal(longBranch, queued.Ref);
        var problem = await Problems.ExpectAsync(tooLong, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("ref", out _), "errors should name ref");
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
