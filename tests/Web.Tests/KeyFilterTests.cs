using TrustedOss.Web.Components.ApiKeys;

namespace TrustedOss.Web.Tests;

public sealed class KeyFilterTests
{
    [Fact]
    public void Chosen_filters_become_the_apis_query()
    {
        var team = Guid.NewGuid();
        var filter = KeyFilter.Parse("team", team.ToString(), null, "true", "3");

        Assert.Equal($"scope=team&team_id={team}&include_revoked=true", filter.ApiQuery);
        Assert.Equal(3, filter.Page);
        Assert.False(filter.IsEmpty);
    }

    [Theory]
    [InlineData("everything", "not-a-guid", "", "yes", "0")]
    [InlineData(null, null, null, null, "-2")]
    [InlineData("", "", "", "", "two")]
    public void Values_that_are_not_a_choice_are_no_filter(string? scope, string? team, string? project, string? revoked, string? page)
    {
        var filter = KeyFilter.Parse(scope, team, project, revoked, page);

        Assert.True(filter.IsEmpty);
        Assert.Equal("", filter.ApiQuery);
        Assert.Equal(1, filter.Page);
    }
}
