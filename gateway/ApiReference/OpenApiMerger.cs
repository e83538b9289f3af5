using System.Text.Json.Nodes;
using TrustedOss.Gateway.Authentication;

namespace TrustedOss.Gateway.ApiReference;

/// <summary>One service's generated OpenAPI document.</summary>
public sealed record ServiceDocument(string Service, string Json);

/// <summary>
/// Merges the services' documents into the one public API reference: only operations the gateway
/// routes are kept, each marked with the credentials its route accepts and the 503 the gateway
/// answers when a service or a credential check is down. Schemas that two services name alike but
/// shape differently are kept apart under the service's name.
/// </summary>
public static class OpenApiMerger
{
    public const string AccessTokenScheme = "accessToken";
    public const string ApiKeyScheme = "apiKey";

    private const string SchemaRefPrefix = "#/components/schemas/";
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static JsonObject Merge(IEnumerable<ServiceDocument> documents, IReadOnlyList<PublicRoute> routes, string version)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var document in documents.OrderBy(d => d.Service, StringComparer.Ordinal))
        {
            var source = KeepApart(document, schemas);
            foreach (var (name, schema) in source["components"]?["schemas"]?.AsObject() ?? [])
            {
                schemas[name] ??= schema!.DeepClone();
            }

            foreach (var (path, item) in source["paths"]?.AsObject() ?? [])
            {
                if (PublicRoute.For(routes, path) is not { } route)
                {
                    continue;
                }

                var operations = (JsonObject)item!.DeepClone();
                foreach (var method in Methods.Where(m => operations[m] is JsonObject))
                {
                    Describe((JsonObject)operations[method]!, route, tags);
                }

                paths[path] = operations;
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "TrustedOSS Integrations API",
                ["version"] = version,
                ["description"] = "API keys, scans and webhooks of TrustedOSS. Every request goes through the gateway.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["name"] = t })]),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    [AccessTokenScheme] = Bearer("JWT", "A person's access token from POST /auth/login."),
                    [ApiKeyScheme] = Bearer("tos_xxxxxxxx_…", "An API key, for CI pipelines."),
                },
            },
        };
    }

    /// <summary>The credentials a route takes (none for public routes), as OpenAPI alternatives.</summary>
    public static string[] SchemesOf(RouteCredential credential) =>
        [.. credential.TakesApiKeys() ? [ApiKeyScheme] : Array.Empty<string>(), .. credential.TakesAccessTokens() ? [AccessTokenScheme] : Array.Empty<string>()];

    private static void Describe(JsonObject operation, PublicRoute route, SortedSet<string> tags)
    {
        var schemes = SchemesOf(route.Credential);
        if (schemes.Length > 0)
        {
            operation["security"] = new JsonArray([.. schemes.Select(s => (JsonNode)new JsonObject { [s] = new JsonArray() })]);
        }

        var responses = operation["responses"] as JsonObject ?? [];
        operation["responses"] = responses;
        responses["503"] ??= new JsonObject
        {
            ["description"] = "A server behind the gateway is not answering; retry after the Retry-After delay.",
            ["content"] = new JsonObject
            {
                ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = SchemaRefPrefix + "ProblemDetails" } },
            },
        };
        foreach (var tag in operation["tags"]?.AsArray() ?? [])
        {
            tags.Add(tag!.GetValue<string>());
        }
    }

    /// <summary>The document with any schema that clashes with one already merged renamed to <c>{Service}{Name}</c>, references included.</summary>
    private static JsonNode KeepApart(ServiceDocument document, JsonObject merged)
    {
        var source = JsonNode.Parse(document.Json)!;
        var clashes = (source["components"]?["schemas"]?.AsObject() ?? [])
            .Where(s => merged[s.Key] is { } existing && !JsonNode.DeepEquals(existing, s.Value))
            .Select(s => s.Key)
            .ToList();
        if (clashes.Count == 0)
        {
            return source;
        }

        var text = source.ToJsonString();
        var prefix = string.Concat(document.Service.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        foreach (var name in clashes)
        {
            text = text.Replace($"\"{SchemaRefPrefix}{name}\"", $"\"{SchemaRefPrefix}{prefix}{name}\"", StringComparison.Ordinal);
        }

        var renamed = JsonNode.Parse(text)!;
        var schemas = renamed["components"]!["schemas"]!.AsObject();
        foreach (var name in clashes)
        {
            var schema = schemas[name]!;
            schemas.Remove(name);
            schemas[prefix + name] = schema;
        }

        return renamed;
    }

    private static JsonObject Bearer(string format, string description) => new()
    {
        ["type"] = "http",
        ["scheme"] = "bearer",
        ["bearerFormat"] = format,
        ["description"] = description,
    };
}
