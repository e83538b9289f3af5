using System.Net;

namespace TrustedOss.SystemTests.Support;

/// <summary>Reads sent all at once, so a service's connection pool holds (or hands out) a dozen connections.</summary>
internal static class ReadBurst
{
    public const int Width = 12;

    public sealed record Answer(string Path, HttpStatusCode Status, bool RetryAfter);

    /// <summary>Each path <see cref="Width"/> times at once.</summary>
    public static async Task<Answer[]> RunAsync(HttpClient client, string[] paths) =>
        await Task.WhenAll(paths.SelectMany(path => Enumerable.Repeat(path, Width)).Select(async path =>
        {
            using var response = await client.GetAsync(path);
            return new Answer(path, response.StatusCode, response.Headers.RetryAfter is not null);
        }));

    public static void AssertAllSucceed(Answer[] answers) =>
        Assert.All(answers, answer => Assert.True(answer.Status == HttpStatusCode.OK, $"{answer.Path}: {(int)answer.Status}"));
}
