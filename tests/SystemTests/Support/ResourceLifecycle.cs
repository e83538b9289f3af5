namespace TrustedOss.SystemTests.Support;

/// <summary>Crashes a resource's processes (the clean stop and start are <see cref="ResourceCommands"/>).</summary>
internal static class ResourceLifecycle
{
    /// <summary>Kills every process of <paramref name="name"/> (SIGKILL: no shutdown, as in a crash) and waits until the orchestrator sees each instance down.</summary>
    public static async Task KillResourceAsync(this SystemFixture system, string name, CancellationToken cancellationToken)
    {
        var instances = await ResourceCommands.InstanceIdsAsync(system.App, name, cancellationToken);
        foreach (var pid in await ProcessSignals.TreeAsync(system, name))
        {
            ProcessSignals.Send(pid, ProcessSignals.Kill);
        }

        foreach (var id in instances)
        {
            await system.App.ResourceNotifications.WaitForResourceAsync(name, e => e.ResourceId == id && ResourceCommands.IsDown(e.Snapshot.State?.Text), cancellationToken);
        }
    }
}
