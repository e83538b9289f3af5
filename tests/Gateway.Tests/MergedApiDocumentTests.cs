using System.Net;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Gateway.ApiReference;
using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.Gateway.Tests;

/// <summary>When the gateway fetches the services' documents for its merged API reference (<see cref="MergedApiDocument"/>).</summary>
public sealed class MergedApiDocumentTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ServiceDocuments services = new();

    [Fact]
    public async Task A_burst_of_requests_fetches_each_services_document_once()
    {
        var merged = Merged();
        services.Hold();

        var burst = Enumerable.Range(0, 20).Select(_ => merged.GetAsync(CancellationToken.None)).ToList();
        services.Release();
        var documents = await Task.WhenAll(burst);

        Assert.Equal(2, services.Fetches);
        Assert.Single(documents.Distinct());
        Assert.Contains("/auth/login", documents[0], StringComparison.Ordinal);
        Assert.Contains("/v1/projects/{projectId}/scans", documents[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_document_is_kept_for_its_lifetime_then_made_anew()
    {
        var merged = Merged();
        await merged.GetAsync(CancellationToken.None);

        time.Advance(MergedApiDocument.Lifetime - TimeSpan.FromSeconds(1));
        await merged.GetAsync(CancellationToken.None);
        Assert.Equal(2, services.Fetches);

        time.Advance(TimeSpan.FromSeconds(1));
        await merged.GetAsync(CancellationToken.None);
        Assert.Equal(4, services.Fetches);
    }

    [Fact]
    public async Task A_document_that_could_not_be_made_is_not_kept()
    {
        var merged = Merged();
        services.FailFirst = 2;

        await Assert.ThrowsAsync<HttpRequestException>(() => merged.GetAsync(CancellationToken.None));
        var document = await merged.GetAsync(CancellationToken.None);

        Assert.Contains("/auth/login", document, StringComparison.Ordinal);
        Assert.Equal(4, services.Fetches);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cut_the_fetch_short_for_the_others()
    {
        var merged = Merged();
        services.Hold();
        using var impatient = new CancellationTokenSource();

        var givenUp = merged.GetAsync(impatient.Token);
        var waiting = merged.GetAsync(CancellationToken.None);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => givenUp);
        services.Release();

        Assert.Contains("/auth/login", await waiting, StringComparison.Ordinal);
        Assert.Equal(2, services.Fetches);
    }

    private MergedApiDocument Merged()
    {
        RouteConfig[] routes =
        [
            Route("auth-login", "/auth/login", "keys", "none"),
            Route("project-scans", "/v1/projects/{projectId}/scans", "scans", "ci"),
        ];
        ClusterConfig[] clusters = [Cluster("keys"), Cluster("scans"), Cluster("web", servesApi: false)];
        return new MergedApiDocument(new InMemoryConfigProvider(routes, clusters), services, time);
    }

    private static RouteConfig Route(string id, string path, string cluster, string credential) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Match = new RouteMatch { Path = path },
        Metadata = new Dictionary<string, string> { ["Credential"] = credential },
    };

    private static ClusterConfig Cluster(string id, bool servesApi = true) => new()
    {
        ClusterId = id,
        Destinations = new Dictionary<string, DestinationConfig> { ["one"] = new() { Address = $"http://{id}/" } },
        Metadata = servesApi ? null : new Dictionary<string, string> { ["ApiDocument"] = "none" },
    };

    /// <summary>The services' documents over HTTP: counts the fetches, can hold them back or fail the next round.</summary>
    private sealed class ServiceDocuments : HttpMessageHandler, IHttpClientFactory
    {
        private TaskCompletionSource held = Released();
        private int fetches;

        public int Fetches => Volatile.Read(ref fetches);

        /// <summary>How many fetches, from the first, answer 503.</summary>
        public int FailFirst { get; set; }

        public void Hold() => held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => held.TrySetResult();

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var fetch = Interlocked.Increment(ref fetches);
            await held.Task.WaitAsync(cancellationToken);
            if (fetch <= FailFirst)
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }

            var path = request.RequestUri!.Host == "keys" ? "/auth/login" : "/v1/projects/{projectId}/scans";
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"openapi":"3.1.1","paths":{"PATH":{"post":{"responses":{"200":{"description":"OK"}}}}}}""".Replace("PATH", path, StringComparison.Ordinal)),
            };
        }

        private static TaskCompletionSource Released()
        {
            var released = new TaskCompletionSource();
            released.SetResult();
            return released;
        }
    }
}
