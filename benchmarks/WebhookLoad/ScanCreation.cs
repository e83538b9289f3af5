using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TrustedOss.WebhookLoad;

/// <summary>
/// How long after a delivery's answer its scan was created (the outbox relay, RabbitMQ, the Scan
/// service's consumer): the scan's own <c>created_at</c> against the moment the answer arrived,
/// both read from this machine's clock.
/// </summary>
internal static class ScanCreation
{
    public static async Task<List<double>> MeasureAsync(Uri gateway, string token, IReadOnlyList<(Guid ScanId, DateTime AnsweredAt)> sampled)
    {
        using var client = new HttpClient { BaseAddress = gateway };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var delays = new List<double>();
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        foreach (var (scanId, answeredAt) in sampled)
        {
            while (true)
            {
                using var response = await client.GetAsync($"/v1/scans/{scanId}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var createdAt = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created_at").GetDateTime().ToUniversalTime();
                    delays.Add((createdAt - answeredAt).TotalMilliseconds);
                    break;
                }

                if (DateTime.UtcNow > giveUp)
                {
                    Console.WriteLine($"scan {scanId} was not created within the run plus two minutes");
                    break;
                }

                await Task.Delay(100);
            }
        }

        return delays;
    }

    public static double Percentile(List<double> values, double p) =>
        values.Count == 0 ? 0 : values.Order().ElementAt((int)Math.Min(values.Count - 1, p * values.Count));
}
