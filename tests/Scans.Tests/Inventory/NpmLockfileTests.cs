using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.Npm;
using Xunit.Abstractions;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>
/// Real lock files of well-known projects, one per lock file version, against npm's own view of
/// the same file (<c>npm ls --all --json --package-lock-only</c>, flattened to name@version and
/// committed beside each fixture, as SOURCES.md says).
/// </summary>
public sealed class NpmLockfileTests(ITestOutputHelper output)
{
    public static TheoryData<string> LockFiles() => ["lodash-v1", "axios-v2", "mocha-v3"];

    [Theory]
    [MemberData(nameof(LockFiles))]
    public void The_packages_match_npms_own_listing(string fixture)
    {
        var inventory = Read(fixture);
        var ours = inventory.Components.Select(c => $"{c.Name}@{c.Version}").ToHashSet(StringComparer.Ordinal);
        var npm = Fixtures.Lines("npm", fixture, "npm-ls-all.txt");

        var (recall, precision) = Agreement(ours, npm);
        output.WriteLine($"{fixture}: {ours.Count} ours, {npm.Count} npm's; recall {recall:P2}, precision {precision:P2}");
        output.WriteLine($"missing: {string.Join(", ", npm.Except(ours).Take(10))}; extra: {string.Join(", ", ours.Except(npm).Take(10))}");
        Assert.Empty(inventory.Warnings);
        Assert.True(recall >= 0.99 && precision >= 0.99, $"recall {recall:P2}, precision {precision:P2}");
    }

    [Theory]
    [MemberData(nameof(LockFiles))]
    public void Runtime_and_development_packages_are_told_apart_as_npm_does(string fixture)
    {
        var inventory = Read(fixture);
        var runtime = inventory.Components.Where(c => !c.Development).Select(c => $"{c.Name}@{c.Version}").ToHashSet(StringComparer.Ordinal);
        var npm = Fixtures.Lines("npm", fixture, "npm-ls-runtime.txt");

        var (recall, precision) = Agreement(runtime, npm);
        output.WriteLine($"{fixture}: {runtime.Count} runtime ours, {npm.Count} npm's; recall {recall:P2}, precision {precision:P2}");
        Assert.True(recall >= 0.99 && precision >= 0.99, $"recall {recall:P2}, precision {precision:P2}");
    }

    [Fact]
    public void The_projects_own_dependencies_are_direct_and_the_graph_follows_nodes_lookup()
    {
        var inventory = Read("mocha-v3");
        var byId = inventory.Components.ToDictionary(c => c.Id, StringComparer.Ordinal);

        // mocha's package.json names chokidar directly; chokidar depends on readdirp.
        var chokidar = inventory.Components.Single(c => c.Name == "chokidar" && c.Direct);
        Assert.False(chokidar.Development);
        Assert.Contains(chokidar.DependsOn, id => byId[id].Name == "readdirp");
        Assert.All(inventory.Components.SelectMany(c => c.DependsOn), id => Assert.True(byId.ContainsKey(id), $"{id} is not a component"));
        Assert.Equal("package-lock.json", chokidar.Evidence.File);
        Assert.NotNull(chokidar.Evidence.Line);
    }

    [Fact]
    public void Evidence_names_the_line_of_the_packages_entry()
    {
        var lines = File.ReadAllLines(Fixtures.Path("npm", "axios-v2", "package-lock.json"));
        var inventory = Read("axios-v2");

        foreach (var component in inventory.Components.Where(c => c.Evidence.Line is not null).Take(50))
        {
            Assert.Contains($"\"node_modules/", lines[component.Evidence.Line!.Value - 1], StringComparison.Ordinal);
            Assert.Contains(component.Name, lines[component.Evidence.Line.Value - 1], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    public void An_unreadable_file_is_a_warning_not_a_failure(string content)
    {
        var inventory = NpmLockfile.Read("package-lock.json", System.Text.Encoding.UTF8.GetBytes(content));

        Assert.Empty(inventory.Components);
        Assert.StartsWith("package-lock.json: ", Assert.Single(inventory.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_costs_a_warning_not_a_stack()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);

        var inventory = NpmLockfile.Read("package-lock.json", System.Text.Encoding.UTF8.GetBytes("{\"packages\": {\"\": {\"x\": " + deep + "}}}"));

        Assert.Single(inventory.Warnings);
    }

    private static InventoryResult Read(string fixture) => NpmLockfile.Read("package-lock.json", Fixtures.Bytes("npm", fixture, "package-lock.json"));

    private static (double Recall, double Precision) Agreement(HashSet<string> ours, HashSet<string> theirs)
    {
        var both = ours.Intersect(theirs).Count();
        return (theirs.Count == 0 ? 1 : (double)both / theirs.Count, ours.Count == 0 ? 1 : (double)both / ours.Count);
    }
}
