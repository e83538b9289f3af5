namespace TrustedOss.SystemTests.Support;

/// <summary>
/// Freezes one of the test system's servers with SIGSTOP, process tree and all, and thaws it with
/// SIGCONT on dispose: the server keeps its sockets open but answers nothing, as in a long fork for
/// a snapshot, a swapping host or a network partition. Only servers the test system started are
/// touched (their process ids come from the orchestrator).
/// </summary>
internal sealed class ServerPause : IAsyncDisposable
{
    private const int SignalContinue = 18;
    private const int SignalStop = 19;

    private readonly IReadOnlyList<int> processes;

    private ServerPause(IReadOnlyList<int> processes) => this.processes = processes;

    public DateTimeOffset ResumedAt { get; private set; }

    public static async Task<ServerPause> StartAsync(SystemFixture system, string resourceName)
    {
        var tree = await ProcessSignals.TreeAsync(system, resourceName);
        foreach (var pid in tree)
        {
            ProcessSignals.Send(pid, SignalStop);
        }

        return new ServerPause(tree);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var pid in processes)
        {
            ProcessSignals.Send(pid, SignalContinue);
        }

        ResumedAt = DateTimeOffset.UtcNow;
        return ValueTask.CompletedTask;
    }
}
