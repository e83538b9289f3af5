using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.CycloneDx;

namespace TrustedOss.Scans.Benchmarks;

/// <summary>
/// Reading a repository with 5,000 locked packages (an npm lock file, version 3, each package
/// depending on up to three others) and writing its CycloneDX document, against parsing the same
/// file with System.Text.Json alone.
/// </summary>
[MemoryDiagnoser]
public class InventoryBenchmarks
{
    private const int Packages = 5_000;
    private ManifestFiles files = null!;
    private byte[] lockFile = [];

    [GlobalSetup]
    public void Setup()
    {
        lockFile = NpmLockOf(Packages);
        files = new ManifestFiles(new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal) { ["package-lock.json"] = lockFile });
    }

    [Benchmark(Baseline = true, Description = "JSON parse of the lock file")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(lockFile);
        return document.RootElement.GetProperty("packages").GetPropertyCount();
    }

    [Benchmark(Description = "inventory + CycloneDX document")]
    public long InventoryAndDocument()
    {
        var read = Ecosystems.Read(files);
        using var output = new MemoryStream();
        SbomWriter.Write(output, new SbomSubject("https://example.invalid/repo.git", new string('a', 40), "main", Guid.Empty, DateTimeOffset.UnixEpoch, "1.0.0"),
            read.Components, read.Warnings);
        return output.Length;
    }

    /// <summary>A lock file shaped like npm's: the root's direct dependencies, then one entry per installed package.</summary>
    internal static byte[] NpmLockOf(int count)
    {
        var json = new StringBuilder("{\"name\":\"bench\",\"lockfileVersion\":3,\"packages\":{\"\":{\"dependencies\":{");
        json.AppendJoin(',', Enumerable.Range(0, 50).Select(i => $"\"pkg-{i}\":\"^1.0.0\""));
        json.Append("}}");
        for (var i = 0; i < count; i++)
        {
            json.Append($",\"node_modules/pkg-{i}\":{{\"version\":\"1.{i % 7}.{i % 13}\",\"resolved\":\"https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-1.0.0.tgz\",");
            json.Append($"\"integrity\":\"sha512-{Convert.ToBase64String(BitConverter.GetBytes(i))}\",\"dev\":{(i % 3 == 0 ? "true" : "false")},\"dependencies\":{{");
            json.AppendJoin(',', new[] { 1, 7, 31 }.Select(step => (i + step) % count).Select(d => $"\"pkg-{d}\":\"^1.0.0\""));
            json.Append("}}");
        }

        return Encoding.UTF8.GetBytes(json.Append("}}").ToString());
    }
}
