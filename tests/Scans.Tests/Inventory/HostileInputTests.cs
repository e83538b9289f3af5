using System.Text;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.Npm;
using TrustedOss.Scans.Inventory.NuGet;
using TrustedOss.Scans.Inventory.PyPi;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>Files written to break a reader: each is read without an exception, in bounded work, with what can be read of it.</summary>
public sealed class HostileInputTests
{
    private static ManifestFiles Files(params (string Path, string Content)[] files) =>
        new(files.ToDictionary(f => f.Path, f => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(f.Content), StringComparer.Ordinal));

    [Fact]
    public void A_condition_nested_beyond_any_stack_is_not_judged_and_the_reference_is_kept()
    {
        var condition = new string('!', 200_000) + "true";
        var project = $"""<Project><ItemGroup><PackageReference Include="A" Version="1.0.0" Condition="{condition}" /></ItemGroup></Project>""";

        var read = NuGetFiles.Read(Files(("A.csproj", project)));

        Assert.Equal("pkg:nuget/A@1.0.0", Assert.Single(read.Components).Purl.ToString());
    }

    [Fact]
    public void A_property_made_of_itself_many_times_over_is_a_warning_not_the_memorys_end()
    {
        var bomb = string.Concat(Enumerable.Repeat("$(A)", 100));
        var project = $"""<Project><PropertyGroup><A>{bomb}</A></PropertyGroup><ItemGroup><PackageReference Include="B" Version="$(A)" /></ItemGroup></Project>""";

        var read = NuGetFiles.Read(Files(("B.csproj", project)));

        Assert.Equal("pkg:nuget/B", Assert.Single(read.Components).Purl.ToString());
        Assert.Single(read.Warnings);
    }

    [Fact]
    public void A_condition_on_a_property_the_sdk_derives_is_not_judged()
    {
        var project = """
            <Project><PropertyGroup><TargetFramework>net48</TargetFramework></PropertyGroup>
            <ItemGroup Condition="'$(TargetFrameworkIdentifier)' == '.NETFramework'"><PackageReference Include="System.ValueTuple" Version="4.5.0" /></ItemGroup>
            <ItemGroup Condition="'$(TargetFramework)' == 'net8.0'"><PackageReference Include="NotForNet48" Version="1.0.0" /></ItemGroup></Project>
            """;

        var read = NuGetFiles.Read(Files(("C.csproj", project)));

        Assert.Equal(["pkg:nuget/System.ValueTuple@4.5.0"], read.Components.Select(c => c.Purl.ToString()));
    }

    [Theory]
    [InlineData("yarn.lock", "# yarn lockfile v1\n\n\"\":\n  version \"1\"\n\n\"foo@npm:\":\n  version \"1.0.0\"\n")]
    [InlineData("yarn.lock", "__metadata:\n  version: 6\n\n\",\":\n  version: 1.0.0\n\n\"a@npm:1\":\n  version: 1.0.0\n  resolution: \"\"\n")]
    [InlineData("pnpm-lock.yaml", "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      foo: {specifier: x, version: ''}\npackages:\n  '/': {}\n  '': {}\n")]
    [InlineData("package-lock.json", "{\"lockfileVersion\":3,\"packages\":{\"\":{\"dependencies\":{\"\\udc00\":\"1\"}},\"node_modules/\\udc00\":{\"version\":\"1\"}}}")]
    [InlineData("packages.lock.json", "{\"version\":1,\"dependencies\":{\"net8.0\":{\"A\":{\"type\":\"Direct\",\"resolved\":\"1.0.0\"},\"a\":{\"type\":\"Direct\",\"resolved\":\"2.0.0\"}}}}")]
    public void Empty_names_duplicates_and_invalid_text_are_read_without_an_exception(string name, string content)
    {
        var read = Ecosystems.Read(Files((name, content)));

        Assert.All(read.Components, c => Assert.NotNull(PackageUrl.Parse(c.Purl.ToString())));
    }

    [Fact]
    public void A_long_specifier_that_would_make_a_backtracking_regex_crawl_is_read_at_once()
    {
        var requirement = new string('a', 200_000) + "!\nb";

        Assert.Null(Pep508.Parse(requirement));
    }

    [Fact]
    public void Renamed_ids_never_collide_with_another_files_ids()
    {
        var purl = PackageUrl.Npm("a", "1.0.0");
        InventoryComponent Component(string id, string file) => new(id, purl, "a", "1.0.0", null, false, false, new Evidence(file, null), []);

        var unique = InventoryResults.UniqueIds([
            Component("pkg:npm/a@1.0.0", "x/package-lock.json"),
            Component("pkg:npm/a@1.0.0", "y/package-lock.json"),
            Component("pkg:npm/a@1.0.0#y/package-lock.json", "z/package-lock.json"),
            Component("pkg:npm/a@1.0.0", "x/package-lock.json"),
        ]);

        Assert.Equal(3, unique.Count);
        Assert.Equal(3, unique.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
    }
}
