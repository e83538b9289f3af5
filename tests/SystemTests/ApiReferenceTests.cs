using System.Net;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using TrustedOss.Gateway.ApiReference;
using TrustedOss.Gateway.Authentication;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// The public API reference is generated from the services' endpoints and merged at the gateway:
/// it must be valid OpenAPI 3.1 and describe every route the gateway serves, with a summary, its
/// success and its problems, and the credentials it takes.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class ApiReferenceTests(SystemFixture system)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_merged_document_is_valid_OpenAPI_3_1_and_every_reference_resolves()
    {
        var json = await DocumentJsonAsync();

        var (document, diagnostic) = OpenApiDocument.Parse(json, "json");

        Assert.NotNull(document);
        Assert.True(diagnostic!.Errors.Count == 0, string.Join("\n", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        var schemas = JsonNode.Parse(json)!["components"]!["schemas"]!.AsObject();
        var dangling = References(JsonNode.Parse(json)!).Where(r => !schemas.ContainsKey(r["#/components/schemas/".Length..])).ToList();
        Assert.True(dangling.Count == 0, $"Unresolved: {string.Join(", ", dangling)}");
    }

    [Fact]
    public async Task Every_public_route_is_documented_with_a_summary_its_answers_and_its_credentials()
    {
        var routes = GatewayRoutes();
        var paths = JsonNode.Parse(await DocumentJsonAsync())!["paths"]!.AsObject();
        var operations = paths
            .SelectMany(p => Methods.Where(m => p.Value![m] is not null).Select(m => (Path: p.Key, Method: m, Operation: p.Value![m]!)))
            .ToList();

        foreach (var route in routes)
        {
            Assert.True(operations.Any(o => PublicRoute.For(routes, o.Path) == route), $"Route {route.Id} ({route.Pattern}) is not documented.");
        }

        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var route = PublicRoute.For(routes, path);
            var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            Assert.True(route is not null, $"{name} is documented but the gateway does not route it.");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name} has no summary.");
            Assert.True(responses.Any(r => r.StartsWith('2')), $"{name} documents no success.");
            Assert.True(responses.Any(r => r.StartsWith('4')), $"{name} documents no client error.");
            foreach (var problem in responses.Where(r => r[0] is '4' or '5'))
            {
                Assert.True(operation["responses"]![problem]!["content"]?["application/problem+json"] is not null,
                    $"{name} answers {problem} without a problem+json body.");
            }

            var schemes = operation["security"]?.AsArray().SelectMany(s => s!.AsObject().Select(p => p.Key)).ToList() ?? [];
            Assert.Equal(OpenApiMerger.SchemesOf(route!.Credential), schemes);
            if (schemes.Count > 0)
            {
                Assert.Contains("401", responses);
            }
        }
    }

    [Fact]
    public async Task The_reference_can_be_browsed_at_docs_with_everything_it_loads_served_locally()
    {
        using var client = system.NewClient();
        using var response = await client.GetAsync("/docs/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>TrustedOSS Integrations API</title>", html, StringComparison.Ordinal);
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]* src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            // Relative to the page: the reference needs no outside network.
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out _), $"{script} is loaded from elsewhere.");
            using var loaded = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/docs/"), script));
            Assert.True(loaded.IsSuccessStatusCode, $"{script}: {(int)loaded.StatusCode}");
        }
    }

    private async Task<string> DocumentJsonAsync()
    {
        using var client = system.NewClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The API routes in the gateway's configuration (not the web page's), as the proxy orders them.</summary>
    private static IReadOnlyList<PublicRoute> GatewayRoutes()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root(), "gateway", "appsettings.json")))!;
        var clusters = config["ReverseProxy"]!["Clusters"]!.AsObject();
        return [.. config["ReverseProxy"]!["Routes"]!.AsObject()
            .Where(r => clusters[r.Value!["ClusterId"]!.GetValue<string>()]!["Metadata"]?["ApiDocument"]?.GetValue<string>() != "none")
            .Select(r => new PublicRoute(r.Key, r.Value!["Match"]!["Path"]!.GetValue<string>(),
                RouteCredentials.Parse(r.Value["Metadata"]?[RouteCredentials.MetadataKey]?.GetValue<string>()), r.Value["Order"]?.GetValue<int>() ?? 0))
            .OrderBy(r => r.Order)];
    }

    private static IEnumerable<string> References(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "$ref" && p.Value is JsonValue v ? [v.GetValue<string>()] : References(p.Value!)),
        JsonArray a => a.SelectMany(n => n is null ? [] : References(n)),
        _ => [],
    };
}
