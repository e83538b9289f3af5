using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.AppHost.LocalServers;
using TrustedOss.Gateway.Identity;

using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// The whole system, started once for this test assembly on real servers in a fresh temporary
/// data folder, which is removed afterwards. Tests create their own data and never depend on order.
/// </summary>
public sealed partial class SystemFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string dataPath = Directory.CreateTempSubdirectory("trustedoss-tests-").FullName;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Where the servers keep their files for this run.</summary>
    public string DataPath => dataPath;

    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--{LocalServerFiles.DataPathKey}={dataPath}", $"--Gateway:Port={LocalServerFiles.FreePort()}", "--Services:Replicas=2"],
            (options, _) => options.DisableDashboard = true);

        // Interrupted scans are looked for every second here (30 s in production), and a scan queued
        // past its lease with no request waiting counts as never started after two looks 2 s apart
        // (2 min), so a test sees it.
        // A replica keeps an active scan it read for 40 s here (30 s in production), so every test
        // that polls a scan to its end needs each change announced to every replica.
        // Scans may reach one loopback address besides file:// repositories: the silent repository
        // host some tests use (SilentServer.AllowedForScans). Every other loopback address stays
        // refused, as every private one is in production.
        builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Scans)
            .WithEnvironment("Scans__ReaperInterval", "00:00:01")
            .WithEnvironment("Scans__NeverStartedSettle", "00:00:02")
            .WithEnvironment("ScanCache__ActiveLifetime", "00:00:40")
            .WithEnvironment("Scans__AllowedPrivateNetworks__0", TrustedOss.TestSupport.SilentServer.AllowedForScans + "/32");

        // Every test's keys are issued by the one bootstrap admin, and a person's scan triggers are
        // limited across all their keys: the suite's own pace would reach the default 60 a minute.
        // The browser tests' Chromium connects from 127.0.0.1 and, as browsers behind a load balancer
        // do, comes with its own address in X-Forwarded-For, which the gateway believes from there
        // alone (every other test client connects from 127.1.x.y and is believed about nothing).
        builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Gateway)
            .WithEnvironment("RateLimits__TriggersPerUserPerMinute", "150")
            .WithEnvironment("Gateway__TrustedProxies__0", "127.0.0.1/32");
        // For the same reason the admin may hold more live keys than the default 100. An account's
        // first wait after its free failures is 4 s instead of 1, so that a test's next attempt
        // falls inside it however slowly a loaded machine hashes the failing password before it.
        builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Keys)
            .WithEnvironment("ApiKeys__MaxLiveKeysPerUser", "300")
            .WithEnvironment("Login__AccountDelay", "00:00:04");

        App = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await App.StartAsync(timeout.Token);
            foreach (var name in ResourceNames.All)
            {
                await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is DistributedApplicationException or OperationCanceledException)
        {
            throw new InvalidOperationException($"The system did not start: {ex.Message}\n{await StartupLogsAsync()}", ex);
        }

        Gateway = App.CreateHttpClient(ResourceNames.Gateway);
        GatewayAddress = App.GetEndpoint(ResourceNames.Gateway, "http");
    }

    public Uri GatewayAddress { get; private set; } = null!;

    private static int nextClientAddress;

    /// <summary>
    /// A client of the gateway connecting from its own loopback address (127.1.x.y), as a distinct
    /// machine would: per-client limits (login attempts) then count it alone.
    /// </summary>
    public HttpClient NewClient(string? bearer = null)
    {
        var number = Interlocked.Increment(ref nextClientAddress);
        var local = new System.Net.IPAddress([127, 1, (byte)(number / 250), (byte)(1 + (number % 250))]);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(local, 0));
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = GatewayAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A signer holding this run's identity keys (from its data folder), as the gateway does, for tests that forge identities.</summary>
    public IdentitySigner IdentitySigner() => new(
        Microsoft.Extensions.Options.Options.Create(new IdentitySigningOptions
        {
            Audiences = [.. new[] { ResourceNames.Keys, ResourceNames.Scans, ResourceNames.WebhookIngest }.Select(service => new AudienceKey
            {
                Name = service,
                Key = File.ReadAllText(Path.Combine(dataPath, "secrets", $"identity-key-{service}")).Trim(),
            })],
        }),
        TimeProvider.System);

    public Task<string> ConnectionStringAsync(string resourceName) =>
        App.GetConnectionStringAsync(resourceName).AsTask().ContinueWith(
            t => t.Result ?? throw new InvalidOperationException($"{resourceName} has no connection string."),
            TaskScheduler.Default);

    /// <summary>
    /// An open connection to one of the services' databases, not from a pool: a test that restarted
    /// PostgreSQL leaves broken connections in a pool, which would fail the next test's first command.
    /// </summary>
    public async Task<NpgsqlConnection> OpenDatabaseAsync(string resourceName)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await ConnectionStringAsync(resourceName)) { Pooling = false };
        var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The instance ids of a resource (a service runs several replicas), from the orchestrator's current state.</summary>
    public async Task<IReadOnlyList<string>> InstancesAsync(string resourceName) =>
        [.. (await SnapshotsAsync(resourceName)).Keys.Order(StringComparer.Ordinal)];

    /// <summary>The process ids of an executable resource's running instances (servers the system started).</summary>
    public async Task<IReadOnlyList<int>> ProcessIdsAsync(string resourceName) =>
        [.. (await SnapshotsAsync(resourceName)).Values
            .Select(snapshot => snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value)
            .OfType<object>()
            .Select(pid => Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The latest state of each instance of a resource, as the orchestrator reports it now.</summary>
    private async Task<Dictionary<string, CustomResourceSnapshot>> SnapshotsAsync(string resourceName) =>
        (await AllSnapshotsAsync()).Where(s => s.Name == resourceName).ToDictionary(s => s.InstanceId, s => s.Snapshot);

    /// <summary>The latest state of every resource's instances, as the orchestrator reports it now.</summary>
    private async Task<List<(string Name, string InstanceId, CustomResourceSnapshot Snapshot)>> AllSnapshotsAsync()
    {
        var snapshots = new Dictionary<string, (string Name, CustomResourceSnapshot Snapshot)>();
        using var replayed = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            // The watch replays every resource's current state first, then waits for changes.
            await foreach (var change in App.ResourceNotifications.WatchAsync(replayed.Token))
            {
                snapshots[change.ResourceId] = (change.Resource.Name, change.Snapshot);
            }
        }
        catch (OperationCanceledException)
        {
            // The replay is over.
        }

        return [.. snapshots.Select(s => (s.Value.Name, s.Key, s.Value.Snapshot))];
    }

    /// <summary>Waits until one of a resource's instances has logged a line containing <paramref name="text"/>.</summary>
    public Task WaitForLogAsync(string resourceName, string text, string what) =>
        Eventually.ValueAsync(async () => (await LogsAsync(resourceName)).Any(l => l.Contains(text, StringComparison.Ordinal)) ? "logged" : null,
            TimeSpan.FromSeconds(30), what);

    /// <summary>Every line a resource's instances have written to stdout/stderr so far.</summary>
    public async Task<IReadOnlyList<string>> LogsAsync(string resourceName) => await LogsOfAsync(await InstancesAsync(resourceName));

    private async Task<IReadOnlyList<string>> LogsOfAsync(IEnumerable<string> instanceIds)
    {
        var lines = new List<string>();
        foreach (var instance in instanceIds)
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(instance))
            {
                lines.AddRange(batch.Select(l => l.Content));
            }
        }

        return lines;
    }

    /// <summary>
    /// The last lines of every resource, so a failed start says why without a dashboard. The order
    /// puts the cause at the end, where a report cut to its tail keeps it: first the resources that
    /// became healthy, then those still waiting for another, then those that started and are not
    /// healthy (or stopped), each of these with its state and its health checks' failures.
    /// </summary>
    private async Task<string> StartupLogsAsync()
    {
        var instances = (await AllSnapshotsAsync()).Where(i => ResourceNames.All.Contains(i.Name)).OrderBy(i => Array.IndexOf(ResourceNames.All, i.Name)).ToList();
        string[] Names(Func<CustomResourceSnapshot, bool> which) => [.. instances.Where(i => which(i.Snapshot)).Select(i => i.Name).Distinct()];
        var causes = Names(s => s.HealthStatus != HealthStatus.Healthy && s.State?.Text != KnownResourceStates.Waiting);
        var waiting = Names(s => s.HealthStatus != HealthStatus.Healthy).Except(causes).ToArray();
        var report = new System.Text.StringBuilder();
        foreach (var name in ResourceNames.All.Except(waiting).Except(causes).Concat(waiting).Concat(causes))
        {
            report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"--- {name} ---");
            foreach (var line in (await LogsOfAsync(instances.Where(i => i.Name == name).Select(i => i.InstanceId).Order(StringComparer.Ordinal))).TakeLast(30))
            {
                report.AppendLine(line);
            }
        }

        report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"waiting for another resource: {string.Join(", ", waiting)}");
        foreach (var (name, _, snapshot) in instances.Where(i => causes.Contains(i.Name)))
        {
            report.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                $"not healthy: {name} ({snapshot.State?.Text ?? "no state"}, exit code {snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
            foreach (var check in snapshot.HealthReports.Where(r => r.Status != HealthStatus.Healthy))
            {
                report.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {check.Name}: {check.Status?.ToString() ?? "not run yet"} {check.Description} {check.ExceptionText}");
            }
        }

        return report.ToString();
    }

    /// <summary>
    /// Every request a service or the gateway failed with an unhandled exception, written to the run's
    /// output before the logs go: a test that met one saw only a 500, and a rare one must be
    /// diagnosable from the run that met it.
    /// </summary>
    private async Task ReportUnhandledExceptionsAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "service-logs")).FullName;
        foreach (var name in new[] { ResourceNames.Gateway, ResourceNames.Keys, ResourceNames.WebhookIngest, ResourceNames.Scans, ResourceNames.Web })
        {
            var lines = await LogsAsync(name);
            await File.WriteAllLinesAsync(Path.Combine(folder, $"{name}.log"), lines);
            for (var i = 0; i < lines.Count; i++)
            {
                if (!lines[i].Contains("An unhandled exception has occurred", StringComparison.Ordinal))
                {
                    continue;
                }

                Console.WriteLine($"--- {name}: a request failed with an unhandled exception ---");
                var end = i + 1;
                while (end < lines.Count && end - i < 60 && !LogLevelPrefix().IsMatch(lines[end]))
                {
                    end++;
                }

                foreach (var line in lines.Skip(Math.Max(0, i - 1)).Take(end - Math.Max(0, i - 1)))
                {
                    Console.WriteLine(line);
                }
            }
        }
    }

    /// <summary>The start of a console log entry: "info: ", "fail: "…</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^(trce|dbug|info|warn|fail|crit): ")]
    private static partial System.Text.RegularExpressions.Regex LogLevelPrefix();

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null)
        {
            await ReportUnhandledExceptionsAsync();
            await App.DisposeAsync();
        }

        Directory.Delete(dataPath, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SystemTestGroup : ICollectionFixture<SystemFixture>, ICollectionFixture<Browser.BrowserFixture>
{
    public const string Name = "system";
}
