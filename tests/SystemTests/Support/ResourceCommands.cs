using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// Stops and starts resources as the dashboard's Stop and Start buttons do, and waits until each is
/// down or healthy again. Shared by the system tests and the fault load run (benchmarks/FaultLoad).
/// </summary>
internal static class ResourceCommands
{
    /// <summary>Stops every instance of <paramref name="name"/> and waits until each has exited.</summary>
    public static async Task StopResourceAsync(this DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        var instances = await ExecuteAsync(app, name, KnownResourceCommands.StopCommand, cancellationToken);
        foreach (var id in instances)
        {
            await app.ResourceNotifications.WaitForResourceAsync(name, e => e.ResourceId == id && IsDown(e.Snapshot.State?.Text), cancellationToken);
        }
    }

    /// <summary>Starts every instance of <paramref name="name"/> again (same command line, same ports) and waits until each is healthy.</summary>
    public static async Task StartResourceAsync(this DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        var instances = await ExecuteAsync(app, name, KnownResourceCommands.StartCommand, cancellationToken);
        foreach (var id in instances)
        {
            // Health reports are reset when a start begins, so a stale "Healthy" cannot end this wait.
            var state = await app.ResourceNotifications.WaitForResourceAsync(name,
                e => e.ResourceId == id && (e.Snapshot.HealthStatus == HealthStatus.Healthy || e.Snapshot.State?.Text == KnownResourceStates.FailedToStart),
                cancellationToken);
            if (state.Snapshot.State?.Text == KnownResourceStates.FailedToStart)
            {
                throw new InvalidOperationException($"{id} failed to start.");
            }
        }
    }

    /// <summary>Runs the dashboard's command on the resource; returns its instances' ids, taken before the command.</summary>
    private static async Task<IReadOnlyList<string>> ExecuteAsync(DistributedApplication app, string name, string command, CancellationToken cancellationToken)
    {
        var instances = await InstanceIdsAsync(app, name, cancellationToken);
        var result = await app.ResourceCommands.ExecuteCommandAsync(Resource(app, name), command, cancellationToken);
        return result.Success ? instances : throw new InvalidOperationException($"{command} of {name} failed: {result.Message}");
    }

    private static IResource Resource(DistributedApplication app, string name) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);

    /// <summary>The ids of the resource's instances ("scans-abcd1234"), one per replica; a stop and start keeps them.</summary>
    public static async Task<IReadOnlyList<string>> InstanceIdsAsync(DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        var expected = Resource(app, name).GetReplicaCount();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var update in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name == name && ids.Add(update.ResourceId) && ids.Count == expected)
            {
                break;
            }
        }

        return [.. ids];
    }

    /// <summary>A stopped process reports Finished (Terminated when killed); Exited and FailedToStart are down too.</summary>
    public static bool IsDown(string? state) => state is not null && (KnownResourceStates.TerminalStates.Contains(state) || state == "Terminated");
}
