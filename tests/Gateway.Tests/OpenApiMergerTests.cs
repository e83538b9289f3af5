using System.Text.Json.Nodes;
using TrustedOss.Gateway.ApiReference;
using TrustedOss.Gateway.Authentication;

namespace TrustedOss.Gateway.Tests;

public sealed class OpenApiMergerTests
{
    private static readonly IReadOnlyList<PublicRoute> Routes =
    [
        new("auth-login", "/auth/login", RouteCredential.None, 1),
        new("project-scans", "/v1/projects/{projectId}/scans", RouteCredential.Ci, 1),
        new("projects", "/v1/projects/{**rest}", RouteCredential.People, 10),
    ];

    [Fact]
    public void Only_routed_operations_are_kept_each_with_the_credentials_its_route_takes()
    {
        var merged = Merge(
            new ServiceDocument("keys", Document([("/auth/login", "post", null), ("/v1/projects", "get", null), ("/internal/lookup", "post", null)])),
            new ServiceDocument("scans", Document([("/v1/projects/{projectId}/scans", "post", null)])));

        var paths = merged["paths"]!.AsObject().Select(p => p.Key).Order().ToList();
        Assert.Equal(["/auth/login", "/v1/projects", "/v1/projects/{projectId}/scans"], paths);
        Assert.Null(merged["paths"]!["/auth/login"]!["post"]!["security"]);
        Assert.Equal("[{\"accessToken\":[]}]", merged["paths"]!["/v1/projects"]!["get"]!["security"]!.ToJsonString());
        Assert.Equal("[{\"apiKey\":[]},{\"accessToken\":[]}]", merged["paths"]!["/v1/projects/{projectId}/scans"]!["post"]!["security"]!.ToJsonString());
    }

    [Fact]
    public void Every_operation_documents_the_gateways_503()
    {
        var merged = Merge(new ServiceDocument("keys", Document([("/auth/login", "post", null)])));

        Assert.Equal("#/components/schemas/ProblemDetails",
            merged["paths"]!["/auth/login"]!["post"]!["responses"]!["503"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void Schemas_two_services_name_alike_are_shared_when_equal_and_kept_apart_when_not()
    {
        var merged = Merge(
            new ServiceDocument("keys", Document([("/auth/login", "post", "Token")], ("Token", "string"), ("ProblemDetails", "object"))),
            new ServiceDocument("webhook-ingest", Document([("/v1/projects", "get", "Token")], ("Token", "integer"), ("ProblemDetails", "object"))));

        var schemas = merged["components"]!["schemas"]!.AsObject();
        Assert.Equal(["ProblemDetails", "Token", "WebhookIngestToken"], schemas.Select(s => s.Key).Order());
        Assert.Equal("integer", schemas["WebhookIngestToken"]!["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/WebhookIngestToken",
            merged["paths"]!["/v1/projects"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Token",
            merged["paths"]!["/auth/login"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void Route_precedence_follows_the_proxys_order()
    {
        Assert.Equal("project-scans", PublicRoute.For(Routes, "/v1/projects/{projectId}/scans")!.Id);
        Assert.Equal("projects", PublicRoute.For(Routes, "/v1/projects/{projectId}")!.Id);
        Assert.Equal("projects", PublicRoute.For(Routes, "/v1/projects")!.Id);
        Assert.Null(PublicRoute.For(Routes, "/internal/api-keys/lookup"));
    }

    private static JsonObject Merge(params ServiceDocument[] documents) => OpenApiMerger.Merge(documents, Routes, "v1");

    /// <summary>A minimal generated document: each operation answers 200 (with the named schema, if any).</summary>
    private static string Document((string Path, string Method, string? Schema)[] operations, params (string Name, string Type)[] schemas)
    {
        var paths = new JsonObject();
        foreach (var (path, method, schemaName) in operations)
        {
            var ok = new JsonObject { ["description"] = "OK" };
            if (schemaName is not null)
            {
                ok["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } } };
            }

            paths[path] = new JsonObject { [method] = new JsonObject { ["summary"] = "s", ["responses"] = new JsonObject { ["200"] = ok } } };
        }

        var components = new JsonObject();
        foreach (var (name, type) in schemas)
        {
            components[name] = new JsonObject { ["type"] = type };
        }

        return new JsonObject { ["openapi"] = "3.1.1", ["paths"] = paths, ["components"] = new JsonObject { ["schemas"] = components } }.ToJsonString();
    }
}
