using System.Text.Json;
using System.Text.Json.Nodes;

namespace TrustedOss.WebhookIngest.Tests;

/// <summary>The providers' published example payloads (tests/Fixtures/webhooks).</summary>
internal static class Fixture
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "webhooks", $"{name}.json"));

    public static JsonElement Json(string name) => JsonDocument.Parse(Bytes(name)).RootElement.Clone();

    /// <summary>A payload to change before reading it.</summary>
    public static JsonObject Node(string name) => JsonNode.Parse(Bytes(name))!.AsObject();

    public static JsonElement Json(JsonObject payload) => JsonDocument.Parse(payload.ToJsonString()).RootElement.Clone();
}
