using TrustedOss.Scans.Inventory.NuGet;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>The MSBuild conditions package references are written with, judged as MSBuild would; what cannot be judged counts as true.</summary>
public sealed class MsBuildConditionTests
{
    private static readonly MsBuildProperties Properties = new([
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["TargetFramework"] = "net8.0", ["IsTestProject"] = "true", ["Empty"] = "" },
    ]);

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("'a' == 'b'", false)]
    [InlineData("'A' == 'a'", true)]
    [InlineData(" 'a'=='a ' ", true)]
    [InlineData("'a' != 'b'", true)]
    [InlineData("'a' != 'a'", false)]
    [InlineData("'$(TargetFramework)' == 'net8.0'", true)]
    [InlineData("'$(TargetFramework)' == 'net472'", false)]
    [InlineData("'$(Nowhere)' == ''", true)]
    [InlineData("'$(Empty)' != ''", false)]
    [InlineData("!('$(IsTestProject)' == 'true')", false)]
    [InlineData("'$(IsTestProject)' != 'true' and '$(TargetFramework)' == 'net8.0'", false)]
    [InlineData("'$(IsTestProject)' == 'true' and '$(TargetFramework)' == 'net8.0'", true)]
    [InlineData("'a' == 'b' or 'c' == 'c'", true)]
    [InlineData("'a' == 'b' or 'c' == 'd'", false)]
    [InlineData("'a' == 'a' and ('b' == 'c' or 'd' == 'd')", true)]
    [InlineData("'a' == 'a' AND ('b' == 'c' OR 'd' == 'e')", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("!false", true)]
    public void A_condition_is_judged_as_msbuild_judges_it(string? condition, bool holds)
    {
        Assert.Equal(holds, MsBuildCondition.Holds(condition, Properties));
    }

    [Theory]
    [InlineData("!Exists('local.props')")]
    [InlineData("Exists('local.props') and 'a' == 'b'")]
    [InlineData("'$(LangVersion)' >= '9'")]
    [InlineData("'$(TargetFrameworkIdentifier)' != '.NETFramework'")]
    [InlineData("'$(Configuration)' == 'Release'")]
    [InlineData("'a == 'b'")]
    [InlineData("('a' == 'b'")]
    [InlineData("'a' == ")]
    [InlineData("== 'a'")]
    public void A_condition_that_cannot_be_judged_counts_as_true(string condition)
    {
        Assert.True(MsBuildCondition.Holds(condition, Properties));
    }

    [Fact]
    public void A_property_the_sdk_derives_is_judged_once_the_project_sets_it()
    {
        var set = new MsBuildProperties([new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Configuration"] = "Debug" }]);

        Assert.False(MsBuildCondition.Holds("'$(Configuration)' == 'Release'", set));
    }
}
