namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>The inventory fixtures copied next to the tests (tests/Fixtures/inventory, sources in its SOURCES.md).</summary>
internal static class Fixtures
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", "inventory", .. parts]);

    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(Path(parts));

    /// <summary>Lines of a text fixture, empty lines dropped.</summary>
    public static HashSet<string> Lines(params string[] parts) =>
        [.. File.ReadAllLines(Path(parts)).Where(l => l.Length > 0)];
}
