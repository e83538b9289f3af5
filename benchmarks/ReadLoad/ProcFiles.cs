using System.Diagnostics;

namespace TrustedOss.ReadLoad;

/// <summary>The running processes' /proc files, read as this harness's user; a process gone meanwhile reads as null.</summary>
internal static class ProcFiles
{
    public static IEnumerable<int> Pids()
    {
        foreach (var process in Process.GetProcesses())
        {
            using (process)
            {
                yield return process.Id;
            }
        }
    }

    public static string? Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{file}");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
