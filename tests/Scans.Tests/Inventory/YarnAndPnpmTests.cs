using System.Text;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.Npm;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>
/// Yarn and pnpm lock files of well-known repositories against the lock's entries as Yarn's and
/// pnpm's own parsers list them (tests/Fixtures/inventory/SOURCES.md says how).
/// </summary>
public sealed class YarnAndPnpmTests
{
    [Theory]
    [InlineData("webpack-yarn-classic")]
    [InlineData("jest-yarn-berry")]
    [InlineData("prettier-yarn-berry")]
    [InlineData("vite-pnpm-v9")]
    [InlineData("vue-pnpm-v6")]
    [InlineData("vue-pnpm-v5")]
    public void Every_locked_package_is_listed_at_its_version(string fixture)
    {
        var inventory = FixtureRepository.Read("npm", fixture);

        Assert.Empty(inventory.Warnings);
        Agreement.Of(Fixtures.Lines("npm", fixture, "lock-all.txt"), inventory.Components.NameAtVersion()).AssertExact();
    }

    [Theory]
    [InlineData("vite-pnpm-v9")]
    [InlineData("vue-pnpm-v6")]
    [InlineData("vue-pnpm-v5")]
    public void Pnpm_runtime_packages_are_those_the_lock_says(string fixture)
    {
        var inventory = FixtureRepository.Read("npm", fixture);

        Agreement.Of(Fixtures.Lines("npm", fixture, "lock-runtime.txt"), inventory.Components.Where(c => !c.Development).NameAtVersion()).AssertExact();
    }

    [Theory]
    [InlineData("vite-pnpm-v9")]
    [InlineData("vue-pnpm-v6")]
    [InlineData("vue-pnpm-v5")]
    public void The_root_projects_dependencies_are_direct(string fixture)
    {
        var components = FixtureRepository.Read("npm", fixture).Components;
        var direct = components.Where(c => c.Direct).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

        // A workspace's own packages (vite's "link:packages/vite") are direct but not components.
        var expected = Fixtures.Lines("npm", fixture, "lock-direct.txt").Where(name => components.Any(c => c.Name == name)).ToList();
        Assert.InRange(expected.Count, Fixtures.Lines("npm", fixture, "lock-direct.txt").Count - 1, int.MaxValue);
        Assert.All(expected, name => Assert.Contains(name, direct));
    }

    [Fact]
    public void Yarn_classic_takes_direct_and_development_from_the_package_json_beside_it()
    {
        var components = FixtureRepository.Read("npm", "webpack-yarn-classic").Components;
        var manifest = PackageJson.Read(Fixtures.Bytes("npm", "webpack-yarn-classic", "package.json"))!;

        var direct = components.Where(c => c.Direct).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        // An alias ("prettier-2": "npm:prettier@^2") is the package it installs.
        Assert.All(manifest.Dependencies, d => Assert.Contains(d.Range.StartsWith("npm:", StringComparison.Ordinal) ? YarnLock.PackageOf($"{d.Name}@{d.Range}") : d.Name, direct));
        // webpack's runtime dependencies stay runtime; its test tools are development ones.
        Assert.All(manifest.Dependencies.Where(d => !d.Development), d => Assert.Contains(components, c => c.Name == d.Name && !c.Development));
        Assert.Contains(components, c => c.Name == "jest" && c.Development);
    }

    [Fact]
    public void Yarn_graph_edges_point_at_listed_components_and_evidence_at_the_entrys_line()
    {
        var components = FixtureRepository.Read("npm", "jest-yarn-berry").Components;
        var ids = components.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var lines = File.ReadAllLines(Fixtures.Path("npm", "jest-yarn-berry", "yarn.lock"));

        Assert.All(components.SelectMany(c => c.DependsOn), target => Assert.Contains(target, ids));
        Assert.True(components.Count(c => c.DependsOn.Count > 0) > components.Count / 2);
        Assert.All(components, c => Assert.Contains($"{c.Name}@", lines[c.Evidence.Line!.Value - 1], StringComparison.Ordinal));
    }

    [Fact]
    public void A_yarn_alias_is_listed_as_the_package_it_installs()
    {
        var lockFile = """
            # yarn lockfile v1


            "prettier-2@npm:prettier@^2":
              version "2.8.8"
              resolved "https://registry.yarnpkg.com/prettier/-/prettier-2.8.8.tgz"

            left-pad@^1.3.0, left-pad@~1.3:
              version "1.3.0"
              dependencies:
                prettier-2 "npm:prettier@^2"
            """;
        var manifest = new PackageJson([("left-pad", "^1.3.0", false)]);

        var components = YarnLock.Read("yarn.lock", Encoding.UTF8.GetBytes(lockFile), manifest).Components;

        Assert.Equal(["pkg:npm/left-pad@1.3.0 direct runtime", "pkg:npm/prettier@2.8.8 transitive runtime"],
            components.Select(c => $"{c.Purl} {(c.Direct ? "direct" : "transitive")} {(c.Development ? "development" : "runtime")}").Order());
        Assert.Equal(["pkg:npm/prettier@2.8.8"], components.Single(c => c.Name == "left-pad").DependsOn);
    }

    [Fact]
    public void A_pnpm_lock_with_a_yaml_alias_or_deep_nesting_costs_nothing_and_is_a_warning()
    {
        var laughs = new StringBuilder("lockfileVersion: '9.0'\na: &a [x, x, x, x, x, x, x, x, x]\n");
        for (var level = 'b'; level <= 'k'; level++)
        {
            laughs.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(", ", Enumerable.Repeat($"*{(char)(level - 1)}", 9))).Append("]\n");
        }

        var deep = "lockfileVersion: '9.0'\npackages: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        foreach (var hostile in new[] { laughs.ToString(), deep })
        {
            var read = PnpmLock.Read("pnpm-lock.yaml", Encoding.UTF8.GetBytes(hostile));
            Assert.Empty(read.Components);
            Assert.Single(read.Warnings);
        }
    }
}
