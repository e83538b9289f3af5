using System.Globalization;
using System.Runtime.InteropServices;

namespace TrustedOss.SystemTests.Support;

/// <summary>Signals to the processes of the test system's resources (their ids come from the orchestrator).</summary>
internal static partial class ProcessSignals
{
    public const int Kill = 9;

    /// <summary>The resource's processes and every process below them.</summary>
    public static async Task<IReadOnlyList<int>> TreeAsync(SystemFixture system, string resourceName)
    {
        var roots = await system.ProcessIdsAsync(resourceName);
        Assert.NotEmpty(roots);
        return [.. roots.SelectMany(Descendants).Concat(roots).Distinct()];
    }

    public static void Send(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
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
    private static partial int SendSignal(int pid, int signal);
}
