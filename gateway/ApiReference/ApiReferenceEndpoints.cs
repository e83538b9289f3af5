using Microsoft.Extensions.Caching.Memory;
using Scalar.AspNetCore;
using TrustedOss.ServiceDefaults.Http;
using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.Gateway.ApiReference;

/// <summary>
/// The public API reference: <c>/openapi/v1.json</c>, merged from the services' own documents, and
/// a browsable reference at <c>/docs</c>. The merged document is kept for a short while, so a new
/// deployment's endpoints show up within <see cref="Lifetime"/>.
/// </summary>
internal static class ApiReferenceEndpoints
{
    public const string DocumentsClient = "openapi";
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private static readonly object CacheKey = new();

    /// <summary>Where the merged document is served, and where each service serves its own.</summary>
    private static readonly string DocumentPath = ApiDocument.Route.Replace("{documentName}", ApiDocument.Name, StringComparison.Ordinal);

    public static void AddApiReference(this WebApplicationBuilder builder) =>
        builder.Services.AddHttpClient(DocumentsClient);

    public static void MapApiReference(this WebApplication app)
    {
        app.MapGet(DocumentPath, DocumentAsync)
            .ExcludeFromDescription();
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("TrustedOSS Integrations API")
            .WithOpenApiRoutePattern(ApiDocument.Route));
    }

    private static async Task<IResult> DocumentAsync(
        IProxyConfigProvider proxy, IHttpClientFactory http, IMemoryCache cache, CancellationToken cancellationToken)
    {
        var merged = await cache.GetOrCreateAsync(CacheKey, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            entry.Size = 1;
            var config = proxy.GetConfig();
            var documents = await Task.WhenAll(config.Clusters.Where(ServesApi).Select(cluster => FetchAsync(http, cluster, cancellationToken)));
            return OpenApiMerger.Merge(documents, PublicRoute.From(config.Routes), ApiDocument.Name).ToJsonString();
        });
        return Results.Text(merged!, "application/json");
    }

    /// <summary>Every cluster but those whose metadata says they serve no API (<c>"ApiDocument": "none"</c>: the web page).</summary>
    private static bool ServesApi(ClusterConfig cluster) =>
        cluster.Metadata?.GetValueOrDefault("ApiDocument") != "none";

    /// <summary>A service's own document, from the first address of its cluster (any replica describes the same API).</summary>
    private static async Task<ServiceDocument> FetchAsync(IHttpClientFactory http, ClusterConfig cluster, CancellationToken cancellationToken)
    {
        var address = cluster.Destinations!.Values.First().Address.TrimEnd('/');
        var json = await http.CreateClient(DocumentsClient).GetStringAsync(new Uri(address + DocumentPath), cancellationToken);
        return new ServiceDocument(cluster.ClusterId, json);
    }
}
