using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using TrustedOss.AppHost;
using TrustedOss.AppHost.LocalServers;

namespace TrustedOss.SystemTests;

/// <summary>
/// The whole system, started once for this test assembly on real servers in a fresh temporary
/// data folder, which is removed afterwards. Tests create their own data and never depend on order.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string dataPath = Directory.CreateTempSubdirectory("trustedoss-tests-").FullName;

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--{LocalServerFiles.DataPathKey}={dataPath}"],
            (options, _) => options.DisableDashboard = true);

        App = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(timeout.Token);
        foreach (var name in ResourceNames.All)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }

        Gateway = App.CreateHttpClient(ResourceNames.Gateway);
    }

    public Task<string> ConnectionStringAsync(string resourceName) =>
        App.GetConnectionStringAsync(resourceName).AsTask().ContinueWith(
            t => t.Result ?? throw new InvalidOperationException($"{resourceName} has no connection string."),
            TaskScheduler.Default);

    /// <summary>Every line a resource has written to stdout/stderr so far.</summary>
    public async Task<IReadOnlyList<string>> LogsAsync(string resourceName)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var lines = new List<string>();
        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resource))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines;
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        Directory.Delete(dataPath, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SystemTestGroup : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
