namespace TrustedOss.SystemTests.Support;

/// <summary>Reaching every replica of a service through the gateway.</summary>
public static class Replicas
{
    /// <summary>
    /// The distinct answers of many reads, made in concurrent waves. The orchestrator's proxy in front
    /// of a service's replicas spreads connections, not requests, so reads one after another would
    /// all travel one kept-alive connection to one replica; concurrent reads open several, and reach
    /// every replica.
    /// </summary>
    public static async Task<string[]> ReadOnEachAsync(Func<Task<string>> read, int waves = 3, int perWave = 16)
    {
        var seen = new HashSet<string>();
        for (var wave = 0; wave < waves; wave++)
        {
            seen.UnionWith(await Task.WhenAll(Enumerable.Range(0, perWave).Select(_ => read())));
        }

        return [.. seen.Order(StringComparer.Ordinal)];
    }
}
