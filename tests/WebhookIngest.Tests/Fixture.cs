using System.Text.Json;

namespace TrustedOss.WebhookIngest.Tests;

/// <summary>The providers' published example payloads (tests/Fixtures/webhooks).</summary>
internal static class Fixture
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "webhooks", $"{name}.json"));

    public static JsonElement Json(string name) => JsonDocument.Parse(Bytes(name)).RootElement.Clone();
}
