using System.Net;
using System.Net.Http.Json;

namespace TrustedOss.SystemTests.Support;

/// <summary>The CI surface as a pipeline uses it: trigger, then poll to the end.</summary>
internal static class Scans
{
    public sealed record Scan(
        Guid Id, Guid ProjectId, string Kind, string Status, string? Ref, string? CommitSha, string Trigger,
        Guid? RequestedByUserId, Guid? ApiKeyId, Guid? DeliveryId, DateTime CreatedAt, DateTime? StartedAt,
        DateTime? CompletedAt, string? ErrorCode, string? ErrorMessage, int? ComponentCount);

    public static Task<HttpResponseMessage> TriggerAsync(HttpClient client, Guid projectId, object? body = null, string? path = null) =>
        client.PostAsJsonAsync(path ?? $"/v1/projects/{projectId}/scans", body ?? new { kind = "source" });

    public static async Task<Scan> TriggeredAsync(HttpClient client, Guid projectId, object? body = null)
    {
        using var response = await TriggerAsync(client, projectId, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Scan>(Json.Api))!;
    }

    /// <summary>
    /// Polls the scan until it ends. A scan a webhook delivery promised is created from a message,
    /// so it may not exist yet when polling starts (<paramref name="promised"/>); any other scan must.
    /// </summary>
    public static Task<Scan> FinishedAsync(HttpClient client, Guid scanId, bool promised = false) =>
        Eventually.ValueAsync(async () =>
        {
            using var response = await client.GetAsync($"/v1/scans/{scanId}");
            if (promised && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            response.EnsureSuccessStatusCode();
            var scan = await response.Content.ReadFromJsonAsync<Scan>(Json.Api);
            return scan!.Status is "succeeded" or "failed" ? scan : null;
        }, TimeSpan.FromSeconds(60), $"scan {scanId} to finish");
}
