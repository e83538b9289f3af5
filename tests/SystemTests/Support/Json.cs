using System.Text.Json;

namespace TrustedOss.SystemTests.Support;

/// <summary>The API's wire format: snake_case fields (CONTRACT §0).</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
