using TrustedOss.Scans.Inventory;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>How far an inventory agrees with the ecosystem's own view: recall (how much of the expected list it has) and precision (how much of what it has is expected).</summary>
internal sealed record Agreement(double Recall, double Precision, IReadOnlyList<string> Missing, IReadOnlyList<string> Extra)
{
    public static Agreement Of(IEnumerable<string> expected, IEnumerable<string> actual)
    {
        var want = expected.ToHashSet(StringComparer.Ordinal);
        var got = actual.ToHashSet(StringComparer.Ordinal);
        var hit = want.Count(got.Contains);
        return new Agreement(
            want.Count == 0 ? 1 : (double)hit / want.Count,
            got.Count == 0 ? 1 : (double)hit / got.Count,
            [.. want.Except(got).Order(StringComparer.Ordinal)],
            [.. got.Except(want).Order(StringComparer.Ordinal)]);
    }

    /// <summary>Both at least 99 % (the inventory's bar); the differences named when not.</summary>
    public void AssertAtLeast99Percent()
    {
        Assert.True(Recall >= 0.99 && Precision >= 0.99,
            $"recall {Recall:P2}, precision {Precision:P2}; missing: {string.Join(", ", Missing.Take(20))}; extra: {string.Join(", ", Extra.Take(20))}");
    }

    /// <summary>The exact agreement, for fixtures where nothing may differ.</summary>
    public void AssertExact()
    {
        Assert.True(Missing.Count == 0 && Extra.Count == 0,
            $"missing: {string.Join(", ", Missing.Take(20))}; extra: {string.Join(", ", Extra.Take(20))}");
    }
}

/// <summary>A fixture folder read as a commit would be: every file the readers want, by its path inside the folder.</summary>
internal static class FixtureRepository
{
    public static ManifestFiles Files(params string[] folder)
    {
        var root = Fixtures.Path(folder);
        var paths = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        return new ManifestFiles(paths.Where(p => Ecosystems.Wants(p, paths))
            .ToDictionary(p => p, p => (ReadOnlyMemory<byte>)File.ReadAllBytes(Path.Combine(root, p)), StringComparer.Ordinal));
    }

    public static InventoryResult Read(params string[] folder) => Ecosystems.Read(Files(folder));

    public static IEnumerable<string> NameAtVersion(this IEnumerable<InventoryComponent> components) =>
        components.Select(c => $"{(c.Purl.Namespace is { } scope ? scope + "/" : "")}{c.Purl.Name}@{c.Version}");
}
