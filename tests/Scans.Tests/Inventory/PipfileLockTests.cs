using System.Text;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.PyPi;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>Pipenv's own Pipfile.lock against the lock's own entries (default and develop, listed beside it).</summary>
public sealed class PipfileLockTests
{
    private static InventoryResult Pipenv() => PipfileLock.Read("Pipfile.lock", Fixtures.Bytes("pypi", "pipenv", "Pipfile.lock"));

    [Fact]
    public void Every_locked_package_is_listed_runtime_or_development_as_its_section_says()
    {
        var inventory = Pipenv();
        var runtime = inventory.Components.Where(c => !c.Development).Select(c => $"{c.Name}@{c.Version}").ToHashSet(StringComparer.Ordinal);
        var development = inventory.Components.Where(c => c.Development).Select(c => $"{c.Name}@{c.Version}").ToHashSet(StringComparer.Ordinal);

        Assert.Empty(inventory.Warnings);
        Assert.Equal(Fixtures.Lines("pypi", "pipenv", "lock-default.txt").Select(Normalized).Order(), runtime.Order());
        // Packages in both sections are runtime ones.
        Assert.Equal(Fixtures.Lines("pypi", "pipenv", "lock-develop.txt").Select(Normalized).Except(runtime).Order(), development.Order());
    }

    [Fact]
    public void Names_follow_the_purl_rules_and_evidence_names_the_entrys_line()
    {
        var lines = File.ReadAllLines(Fixtures.Path("pypi", "pipenv", "Pipfile.lock"));

        foreach (var component in Pipenv().Components)
        {
            Assert.Equal($"pkg:pypi/{component.Name}@{component.Version}", component.Purl.ToString().Replace("%2B", "+", StringComparison.Ordinal));
            Assert.Contains("\"", lines[component.Evidence.Line!.Value - 1], StringComparison.Ordinal);
            Assert.Contains(component.Name.Replace('-', '_'), Normalized(lines[component.Evidence.Line.Value - 1]).Replace('-', '_'), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_entry_without_a_version_is_listed_without_one_and_runtime_wins_over_develop()
    {
        var lock_ = """
            {"default": {"Requests": {"version": "==2.32.3"}, "mylib": {"git": "https://example.invalid/mylib.git", "ref": "abc"}},
             "develop": {"requests": {"version": "==2.32.3"}, "pytest": {"version": "==8.3.4"}}}
            """;

        var components = PipfileLock.Read("Pipfile.lock", Encoding.UTF8.GetBytes(lock_)).Components;

        Assert.Equal(
            ["pkg:pypi/mylib (runtime)", "pkg:pypi/pytest@8.3.4 (development)", "pkg:pypi/requests@2.32.3 (runtime)"],
            components.Select(c => $"{c.Purl} ({(c.Development ? "development" : "runtime")})").Order());
    }

    [Fact]
    public void An_unreadable_file_is_a_warning()
    {
        var inventory = PipfileLock.Read("Pipfile.lock", "{\"default\": "u8.ToArray());

        Assert.Empty(inventory.Components);
        Assert.Single(inventory.Warnings);
    }

    private static string Normalized(string line) => line.ToLowerInvariant().Replace('_', '-');
}
