using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>CONTRACT §0: JSON bodies use snake_case fields. The one setting for every API, call between services and stored diff.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // The web defaults read "30" as 30; a field of the wrong JSON type is a 422 (CONTRACT §0).
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }
}
