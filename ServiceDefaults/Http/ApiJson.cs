using System.Text.Json;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>CONTRACT §0: JSON bodies use snake_case fields. The one setting for every API, call between services and stored diff.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        return options;
    }
}
