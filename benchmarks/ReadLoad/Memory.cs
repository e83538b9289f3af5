using System.Globalization;

namespace TrustedOss.ReadLoad;

/// <summary>
/// The system's own processes and their memory: each .NET service's resident set (RSS), and
/// PostgreSQL's, Redis's and RabbitMQ's proportional set (PSS: PostgreSQL's processes share their
/// buffers, so their RSS would count them many times). The orchestrator and dashboard are apart.
/// </summary>
internal static class Memory
{
    private static readonly string[] Services = ["TrustedOss.Gateway", "TrustedOss.Keys", "TrustedOss.WebhookIngest", "TrustedOss.Scans", "TrustedOss.Web"];
    private static readonly string[] Servers = ["postgres", "redis-server", "beam.smp", "epmd"];

    public static IReadOnlyList<(string Name, long Bytes)> Read()
    {
        var rows = new List<(string, long)>();
        foreach (var pid in ProcFiles.Pids())
        {
            var name = Name(pid);
            if (Services.Any(s => name.StartsWith(s[..Math.Min(15, s.Length)], StringComparison.Ordinal)))
            {
                rows.Add(($"{FullName(pid)} (RSS)", Field(pid, "status", "VmRSS:")));
            }
            else if (Servers.Contains(name))
            {
                rows.Add(($"{name} (PSS)", Field(pid, "smaps_rollup", "Pss:")));
            }
        }

        // PostgreSQL's processes make one server; a service's several processes (the harness's twin
        // gateways beside the system's own) are each one more copy, and say how many they are.
        return [.. rows.GroupBy(r => r.Item1)
            .Select(g => (g.Count() > 1 && !g.Key.EndsWith("(PSS)", StringComparison.Ordinal) ? $"{g.Key}, {g.Count()} processes" : g.Key, g.Sum(r => r.Item2)))
            .OrderBy(r => r.Item1, StringComparer.Ordinal)];
    }

    public static void Print(string when, IReadOnlyList<(string Name, long Bytes)> rows)
    {
        Console.WriteLine($"Memory, {when}:");
        foreach (var (name, bytes) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {bytes / 1024.0 / 1024:0} MB"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total: {rows.Sum(r => r.Bytes) / 1024.0 / 1024:0} MB"));
    }

    private static string Name(int pid) => ProcFiles.Read(pid, "comm")?.Trim() ?? "";

    private static string FullName(int pid) =>
        ProcFiles.Read(pid, "cmdline")?.Split('\0').Select(Path.GetFileName).FirstOrDefault(a => a?.StartsWith("TrustedOss.", StringComparison.Ordinal) == true) ?? Name(pid);

    /// <summary>A "Name: 1234 kB" field of a /proc file, in bytes; 0 when the process is gone.</summary>
    private static long Field(int pid, string file, string field) =>
        ProcFiles.Read(pid, file)?.Split('\n').FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)) is { } line
            ? long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024
            : 0;
}
