using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TrustedOss.SystemTests.Support;

internal static class Problems
{
    /// <summary>
    /// The response is a problem+json with the expected status, carrying the headers every
    /// response has (X-Request-ID, nosniff); returns its body.
    /// </summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Single(response.Headers.GetValues("X-Request-ID"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>As <see cref="ExpectAsync(HttpResponseMessage, HttpStatusCode)"/>, with the contract's title.</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string title)
    {
        var problem = await ExpectAsync(response, expected);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        return problem;
    }
}
