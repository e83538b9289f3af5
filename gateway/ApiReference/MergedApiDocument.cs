using TrustedOss.ServiceDefaults.Http;
using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.Gateway.ApiReference;

/// <summary>
/// The merged API document, made once at a time and kept for <see cref="Lifetime"/>, so a new
/// deployment's endpoints show up within it. Requests that arrive while it is being made wait for
/// that one: the endpoint is anonymous, and a burst of requests as the kept document runs out must
/// not fetch and merge every service's document once each. A document that could not be made is
/// not kept: the next request tries again. (HybridCache coalesces misses too, but its entries
/// would have to fit the gateway's size-limited memory cache, and its serializers and second level
/// are machinery for many values; this is one value and one task.)
/// </summary>
internal sealed class MergedApiDocument(IProxyConfigProvider proxy, IHttpClientFactory http, TimeProvider time)
{
    public const string DocumentsClient = "openapi";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>How long fetching the services' documents may take: no one caller's going away cuts it short for the others.</summary>
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Where each service serves its own document, and the gateway the merged one.</summary>
    public static readonly string DocumentPath = ApiDocument.Route.Replace("{documentName}", ApiDocument.Name, StringComparison.Ordinal);

    private readonly Lock gate = new();
    private Task<string>? current;
    private DateTimeOffset startedAt;

    /// <summary>The merged document (JSON); waits for it at most as long as <paramref name="cancellationToken"/> allows.</summary>
    public Task<string> GetAsync(CancellationToken cancellationToken)
    {
        Task<string> document;
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (current is null || current.IsFaulted || current.IsCanceled || now >= startedAt + Lifetime)
            {
                current = MakeAsync();
                startedAt = now;
            }

            document = current;
        }

        return document.WaitAsync(cancellationToken);
    }

    private async Task<string> MakeAsync()
    {
        using var timeout = new CancellationTokenSource(FetchTimeout, time);
        var config = proxy.GetConfig();
        var documents = await Task.WhenAll(config.Clusters.Where(ServesApi).Select(cluster => FetchAsync(cluster, timeout.Token)));
        return OpenApiMerger.Merge(documents, PublicRoute.From(config.Routes), ApiDocument.Name).ToJsonString();
    }

    /// <summary>Every cluster but those whose metadata says they serve no API (<c>"ApiDocument": "none"</c>: the web page).</summary>
    private static bool ServesApi(ClusterConfig cluster) =>
        cluster.Metadata?.GetValueOrDefault("ApiDocument") != "none";

    /// <summary>A service's own document, from the first address of its cluster (any replica describes the same API).</summary>
    private async Task<ServiceDocument> FetchAsync(ClusterConfig cluster, CancellationToken cancellationToken)
    {
        var address = cluster.Destinations!.Values.First().Address.TrimEnd('/');
        var json = await http.CreateClient(DocumentsClient).GetStringAsync(new Uri(address + DocumentPath), cancellationToken);
        return new ServiceDocument(cluster.ClusterId, json);
    }
}
