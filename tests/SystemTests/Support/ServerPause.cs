using System.Globalization;
using System.Runtime.InteropServices;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// Freezes one of the test system's servers with SIGSTOP, process tree and all, and thaws it with
/// SIGCONT on dispose: the server keeps its sockets open but answers nothing, as in a long fork for
/// a snapshot, a swapping host or a network partition. Only servers the test system started are
/// touched (their process ids come from the orchestrator).
/// </summary>
internal sealed partial class ServerPause : IAsyncDisposable
{
    private const int SignalContinue = 18;
    private const int SignalStop = 19;

    private readonly IReadOnlyList<int> processes;

    private ServerPause(IReadOnlyList<int> processes) => this.processes = processes;

    public DateTimeOffset ResumedAt { get; private set; }

    public static async Task<ServerPause> StartAsync(SystemFixture system, string resourceName)
    {
        var roots = await system.ProcessIdsAsync(resourceName);
        Assert.NotEmpty(roots);
        var tree = roots.SelectMany(Descendants).Concat(roots).Distinct().ToList();
        foreach (var pid in tree)
        {
            Signal(pid, SignalStop);
        }

        return new ServerPause(tree);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var pid in processes)
        {
            Signal(pid, SignalContinue);
        }

        ResumedAt = DateTimeOffset.UtcNow;
        return ValueTask.CompletedTask;
    }

    private static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"Signal {signal} to process {pid} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Every process below <paramref name="root"/>, from each process's parent id in /proc.</summary>
    private static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": the command may contain spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var (child, _) in parents.Where(p => p.Value == parent))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }

        return found;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
