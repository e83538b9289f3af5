using TrustedOss.Scans.Inventory;

namespace TrustedOss.Scans.Tests.Inventory;

public sealed class PackageUrlTests
{
    [Theory]
    [InlineData("npm", "lodash", "4.17.21", "pkg:npm/lodash@4.17.21")]
    [InlineData("npm", "@babel/core", "7.28.5", "pkg:npm/%40babel/core@7.28.5")]
    [InlineData("npm", "left-pad", "1.3.0-beta+build.1", "pkg:npm/left-pad@1.3.0-beta%2Bbuild.1")]
    [InlineData("pypi", "Django_Rest_Framework", "3.15.2", "pkg:pypi/django-rest-framework@3.15.2")]
    [InlineData("nuget", "Newtonsoft.Json", "13.0.3", "pkg:nuget/Newtonsoft.Json@13.0.3")]
    public void Each_ecosystem_follows_the_purl_spec(string ecosystem, string name, string version, string purl)
    {
        var built = ecosystem switch
        {
            "npm" => PackageUrl.Npm(name, version),
            "pypi" => PackageUrl.PyPi(name, version),
            _ => PackageUrl.NuGet(name, version),
        };

        Assert.Equal(purl, built.ToString());
        Assert.Equal(built, PackageUrl.Parse(purl));
    }

    [Theory]
    [InlineData("npm:lodash@1")]
    [InlineData("pkg:npm")]
    [InlineData("pkg:/lodash@1")]
    [InlineData("pkg:npm/lodash@1?arch=x86")]
    [InlineData("pkg:n p m/lodash@1")]
    public void Text_that_is_not_such_a_purl_does_not_parse(string text) => Assert.Null(PackageUrl.Parse(text));
}
