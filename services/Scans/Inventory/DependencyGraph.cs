namespace TrustedOss.Scans.Inventory;

/// <summary>Walks a lock file's graph: what is reachable from some roots (the runtime packages, from the runtime direct ones).</summary>
internal static class DependencyGraph
{
    public static HashSet<T> Reachable<T>(IEnumerable<T> roots, Func<T, IEnumerable<T>> dependenciesOf)
        where T : notnull
    {
        var seen = new HashSet<T>();
        var pending = new Stack<T>(roots);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var dependency in dependenciesOf(next))
                {
                    pending.Push(dependency);
                }
            }
        }

        return seen;
    }
}
