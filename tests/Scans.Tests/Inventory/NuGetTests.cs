using System.Text;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.NuGet;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>
/// NuGet lock files, SDK-style projects with central versions, and packages.config from
/// well-known repositories, against what the .NET SDK itself says of them (dotnet list package,
/// MSBuild's evaluation) or the lock's own entries (tests/Fixtures/inventory/SOURCES.md says how).
/// </summary>
public sealed class NuGetTests
{
    [Theory]
    [InlineData("stryker-lock-multitfm/NetCoreTestProject.MSTest", "dotnet-list")]
    [InlineData("stryker-lock-cpm/src/Stryker.Utilities", "lock")]
    [InlineData("stryker-lock-cpm/src/Stryker.Abstractions", "lock")]
    [InlineData("bicep-vs-plain/src/vs-bicep/Bicep.VSLanguageServerClient", "lock")]
    [InlineData("bicep-vs-plain/src/vs-bicep/Bicep.VSLanguageServerClient.UnitTests", "lock")]
    [InlineData("bicep-vs-plain/src/vs-bicep/Bicep.VSLanguageServerClient.ItemTemplate", "lock")]
    public void A_lock_files_packages_and_direct_ones_are_those_the_sdk_lists(string project, string listing)
    {
        var fixture = project.Split('/')[0];
        var lockFile = $"{project[(fixture.Length + 1)..]}/packages.lock.json";
        var components = FixtureRepository.Read("nuget", fixture).Components.Where(c => c.Evidence.File == lockFile).ToList();

        Agreement.Of(Fixtures.Lines(["nuget", .. project.Split('/'), $"{listing}-all.txt"]), components.NameAtVersion()).AssertExact();
        Agreement.Of(Fixtures.Lines(["nuget", .. project.Split('/'), $"{listing}-direct.txt"]), components.Where(c => c.Direct).NameAtVersion()).AssertExact();
    }

    [Fact]
    public void A_lock_files_graph_stays_within_its_packages_and_build_tools_are_development()
    {
        var components = FixtureRepository.Read("nuget", "bicep-vs-plain").Components
            .Where(c => c.Evidence.File.EndsWith("Bicep.VSLanguageServerClient/packages.lock.json", StringComparison.Ordinal)).ToList();
        var ids = components.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

        Assert.All(components.SelectMany(c => c.DependsOn), target => Assert.Contains(target, ids));
        Assert.True(components.Count(c => c.DependsOn.Count > 0) > 10);
        // PrivateAssets="all" in the project: a compiler toolset is built with, not shipped.
        Assert.Contains(components, c => c.Name == "Microsoft.Net.Compilers.Toolset" && c.Development);
        Assert.Contains(components, c => c.Direct && !c.Development);
    }

    [Theory]
    [InlineData("cswin32-cpm", "src/CsWin32Generator/CsWin32Generator.csproj")]
    [InlineData("cswin32-cpm", "src/Microsoft.Windows.CsWin32/Microsoft.Windows.CsWin32.csproj")]
    [InlineData("cswin32-cpm", "src/Microsoft.Windows.CsWin32.Roslyn4/Microsoft.Windows.CsWin32.Roslyn4.csproj")]
    [InlineData("cswin32-cpm", "test/Microsoft.Windows.CsWin32.Tests/Microsoft.Windows.CsWin32.Tests.csproj")]
    [InlineData("aspire-plain", "dotnet-traditional/src/BoardApi/BoardApi.csproj")]
    [InlineData("aspire-plain", "dotnet-traditional/src/BoardData/BoardData.csproj")]
    [InlineData("bicep-vs-plain", "src/vs-bicep/Bicep.VSLanguageServerClient/Bicep.VSLanguageServerClient.csproj")]
    [InlineData("bicep-vs-plain", "src/vs-bicep/Bicep.VSLanguageServerClient.UnitTests/Bicep.VSLanguageServerClient.UnitTests.csproj")]
    public void A_projects_references_have_the_versions_msbuild_evaluates(string fixture, string project)
    {
        var files = FixtureRepository.Files("nuget", fixture);

        var read = ProjectFile.Read(project, files, new CentralVersions(files));

        var expected = Fixtures.Lines(["nuget", fixture, .. ManifestFiles.FolderOf(project).Split('/'), "expected.txt"]);
        Agreement.Of(expected.Select(l => l.ToLowerInvariant()), read.Components.Select(c => $"{c.Name}\t{c.DeclaredRange}".ToLowerInvariant()))
            .AssertAtLeast99Percent();
    }

    [Theory]
    [InlineData("test/System.Web.Http.Owin.Test")]
    [InlineData("src/System.Net.Http.Formatting")]
    [InlineData("src/Microsoft.Web.WebPages.OAuth")]
    public void Packages_config_lists_each_package_at_its_version(string folder)
    {
        var components = FixtureRepository.Read("nuget", "aspnetwebstack-packages-config").Components
            .Where(c => c.Evidence.File == $"{folder}/packages.config").ToList();

        Agreement.Of(Fixtures.Lines(["nuget", "aspnetwebstack-packages-config", .. folder.Split('/'), "expected.txt"]), components.NameAtVersion()).AssertExact();
        Assert.Equal(
            Fixtures.Lines(["nuget", "aspnetwebstack-packages-config", .. folder.Split('/'), "expected-attributes.txt"]).Count(l => l.EndsWith("developmentDependency", StringComparison.Ordinal)),
            components.Count(c => c.Development));
    }

    [Theory]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("1.0", "1.0.0")]
    [InlineData("[2.0.1]", "2.0.1")]
    [InlineData("[1.0,2.0)", null)]
    [InlineData("6.*", null)]
    [InlineData("(1.0,)", null)]
    [InlineData("not a version", null)]
    public void A_declared_version_is_certain_only_when_nuget_can_take_no_other(string range, string? version)
    {
        Assert.Equal(version, ProjectFile.CertainVersion(range));
    }

    [Fact]
    public void Central_versions_overrides_properties_and_global_references_are_applied()
    {
        var files = new ManifestFiles(new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal)
        {
            ["Directory.Packages.props"] = Encoding.UTF8.GetBytes("""
                <Project>
                  <PropertyGroup><XunitVersion>2.9.3</XunitVersion></PropertyGroup>
                  <ItemGroup>
                    <PackageVersion Include="xunit" Version="$(XunitVersion)" />
                    <PackageVersion Include="Serilog" Version="4.0.0" />
                    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.6.143" />
                  </ItemGroup>
                </Project>
                """),
            ["src/App/App.csproj"] = Encoding.UTF8.GetBytes("""
                <Project Sdk="Microsoft.NET.Sdk">
                  <ItemGroup>
                    <PackageReference Include="xunit" />
                    <PackageReference Include="Serilog" VersionOverride="[4.1.0]" />
                    <PackageReference Include="StyleCop.Analyzers" Version="1.2.0-beta.556" PrivateAssets="all" />
                    <PackageReference Include="Unknown" Version="$(NowhereVersion)" />
                  </ItemGroup>
                </Project>
                """),
        });

        var read = ProjectFile.Read("src/App/App.csproj", files, new CentralVersions(files));

        Assert.Equal(
            [
                "pkg:nuget/Nerdbank.GitVersioning@3.6.143 development 3.6.143",
                "pkg:nuget/Serilog@4.1.0 runtime [4.1.0]",
                "pkg:nuget/StyleCop.Analyzers@1.2.0-beta.556 development 1.2.0-beta.556",
                "pkg:nuget/Unknown runtime ",
                "pkg:nuget/xunit@2.9.3 runtime 2.9.3",
            ],
            read.Components.Select(c => $"{c.Purl} {(c.Development ? "development" : "runtime")} {c.DeclaredRange}").Order(StringComparer.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("$(NowhereVersion)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_project_file_with_a_dtd_is_a_warning_not_an_entity_expansion()
    {
        var laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <Project><ItemGroup><PackageReference Include="a" Version="&lol2;" /></ItemGroup></Project>
            """;
        var files = new ManifestFiles(new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal) { ["A.csproj"] = Encoding.UTF8.GetBytes(laughs) });

        var read = NuGetFiles.Read(files);

        Assert.Empty(read.Components);
        Assert.Single(read.Warnings);
    }
}
