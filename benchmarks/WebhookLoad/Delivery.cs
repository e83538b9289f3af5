using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TrustedOss.WebhookLoad;

/// <summary>Deliveries as GitHub sends them: a JSON body, its event and delivery id, its HMAC signature.</summary>
internal static class Delivery
{
    public static HttpRequestMessage Unsigned() => new(HttpMethod.Post, "/v1/webhooks/github")
    {
        Content = new ByteArrayContent("{}"u8.ToArray()) { Headers = { ContentType = new("application/json") } },
    };

    public static HttpRequestMessage Signed(string secret, string eventName, byte[] body, string deliveryId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/github")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return request;
    }

    public static byte[] Ping(string repository) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        zen = "Keep it logically awesome.",
        hook_id = 1,
        repository = Repository(repository),
    });

    public static byte[] Push(string repository, string branch) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @ref = $"refs/heads/{branch}",
        before = "0000000000000000000000000000000000000000",
        after = "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        repository = Repository(repository),
    });

    private static object Repository(string url) => new { clone_url = url, ssh_url = url, git_url = url, html_url = url };
}
