using TrustedOss.Web.Components.Audit;

namespace TrustedOss.Web.Tests;

public sealed class AuditFilterTests
{
    [Fact]
    public void Days_are_whole_utc_days_with_both_ends_included()
    {
        var filter = AuditFilter.Parse(null, null, null, "2026-11-30", "2026-12-01", null);

        Assert.Equal("from=2026-11-30T00:00:00Z&to=2026-12-02T00:00:00Z", filter.ApiQuery);
    }

    [Fact]
    public void Up_to_the_last_day_there_is_is_up_to_the_end()
    {
        var filter = AuditFilter.Parse(null, null, null, "2026-11-30", "9999-12-31", null);

        Assert.Equal("from=2026-11-30T00:00:00Z", filter.ApiQuery);
    }

    [Fact]
    public void Table_action_and_actor_pass_through()
    {
        var actor = Guid.NewGuid();
        var filter = AuditFilter.Parse("api_keys", "update", actor.ToString(), null, null, "2");

        Assert.Equal($"target_table=api_keys&action=update&actor_user_id={actor}", filter.ApiQuery);
        Assert.Equal(2, filter.Page);
    }

    [Theory]
    [InlineData("audit_log", "drop", "someone", "30/11/2026", "2026-13-01")]
    [InlineData("", "", "", "", "")]
    public void Values_that_are_not_a_choice_are_no_filter(string table, string action, string actor, string from, string to)
    {
        var filter = AuditFilter.Parse(table, action, actor, from, to, "x");

        Assert.True(filter.IsEmpty);
        Assert.Equal("", filter.ApiQuery);
        Assert.Equal(1, filter.Page);
    }
}
