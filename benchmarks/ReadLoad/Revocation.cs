using System.Diagnostics;
using System.Net;

namespace TrustedOss.ReadLoad;

/// <summary>
/// How long a revoked key keeps working: each key is revoked through the API, and from the moment
/// the revocation is answered, every gateway replica is asked with the key every few milliseconds
/// until it refuses it. The time counted is until the last replica refuses. Each key is probed
/// from a loopback address of its own: refused checks count against their address, and an address
/// past its limit is answered 429 instead.
/// </summary>
internal static class Revocation
{
    public static async Task<IReadOnlyList<double>> MeasureAsync(
        HttpClient admin, IReadOnlyList<(Guid Id, string Key)> keys, IReadOnlyList<Uri> gateways, string path)
    {
        var latencies = new List<double>();
        foreach (var (index, (id, key)) in keys.Index())
        {
            var address = IPAddress.Parse($"127.0.2.{index + 1}");
            var probes = gateways.Select(g => Setup.FromAddress(g, address)).ToList();
            foreach (var probe in probes)
            {
                probe.DefaultRequestHeaders.Authorization = new("Bearer", key);
                // Warm: the key is in each replica's own cache before it is revoked.
                (await probe.GetAsync(path)).EnsureSuccessStatusCode();
            }

            (await admin.DeleteAsync($"/v1/api-keys/{id}")).EnsureSuccessStatusCode();
            var revoked = Stopwatch.StartNew();
            var seen = await Task.WhenAll(probes.Select(async probe =>
            {
                while (revoked.Elapsed < TimeSpan.FromSeconds(30))
                {
                    if ((await probe.GetAsync(path)).StatusCode == HttpStatusCode.Unauthorized)
                    {
                        return revoked.Elapsed.TotalMilliseconds;
                    }

                    await Task.Delay(2);
                }

                throw new TimeoutException($"A gateway still accepted key {id} 30 s after its revocation.");
            }));
            latencies.Add(seen.Max());
            probes.ForEach(p => p.Dispose());
            await Task.Delay(200);
        }

        return latencies;
    }
}
