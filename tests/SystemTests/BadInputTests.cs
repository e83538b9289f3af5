using System.Net;
using System.Net.Http.Json;
using System.Text;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>Input a client gets wrong is a clear 4xx problem, never a 500.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class BadInputTests(SystemFixture system)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_nul_character_in_the_login_email_is_a_validation_error()
    {
        using var client = system.NewClient();
        using var response = await client.PostAsJsonAsync("/auth/login", new { email = "a\u0000@example.com", password = "x" });

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Validation Error", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task A_nul_character_in_a_name_is_a_validation_error_that_names_the_field()
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.PostAsJsonAsync("/v1/api-keys", new { name = "ci\u0000", scope = "org" });

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["name"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Theory]
    [InlineData("\"thirty\"")]
    // A number in a string is a string: JSON's types are the contract's, whatever a web framework's defaults forgive.
    [InlineData("\"30\"")]
    public async Task A_field_of_the_wrong_type_is_named_in_a_validation_error(string days)
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.PostAsync("/v1/api-keys",
            new StringContent($$"""{"name":"ci","scope":"org","expires_in_days":{{days}}}""", Encoding.UTF8, "application/json"));

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("expires_in_days", out _));
    }

    [Theory]
    [InlineData("page=0", HttpStatusCode.UnprocessableEntity)]
    [InlineData("page=1000001", HttpStatusCode.UnprocessableEntity)]
    [InlineData("page=1000000&page_size=200", HttpStatusCode.OK)]
    [InlineData("page_size=201", HttpStatusCode.UnprocessableEntity)]
    [InlineData("team_id=not-a-uuid", HttpStatusCode.UnprocessableEntity)]
    [InlineData("include_revoked=yes", HttpStatusCode.UnprocessableEntity)]
    public async Task List_parameters_are_checked(string query, HttpStatusCode expected)
    {
        using var admin = await api.AdminAsync();
        using var response = await admin.GetAsync($"/v1/api-keys?{query}");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_trigger_without_a_body_names_the_missing_kind()
    {
        var project = await api.ProjectAsync(await api.TeamAsync(), GitRepository.NeverContacted("org/repo"));
        using var pipeline = api.With(await api.AdminKeyAsync("org"));

        using var response = await pipeline.PostAsync($"/v1/projects/{project.Id}/scans", new ByteArrayContent([]));

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _));
    }

    [Fact]
    public async Task A_repository_url_with_a_token_in_it_is_refused()
    {
        var team = await api.TeamAsync();
        using var admin = await api.AdminAsync();

        using var response = await admin.PostAsJsonAsync("/v1/projects",
            new { team_id = team.Id, name = "leaky", git_url = "https://x-access-token:ghp_secret@github.com/org/repo.git" });

        var problem = await Problems.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("git_url", out _));
    }
}
