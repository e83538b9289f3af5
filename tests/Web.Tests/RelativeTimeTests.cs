using TrustedOss.Web.Components;

namespace TrustedOss.Web.Tests;

public sealed class RelativeTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(59, "just now")]
    [InlineData(60, "1 minute ago")]
    [InlineData(3 * 60 + 20, "3 minutes ago")]
    [InlineData(3 * 60 + 40, "4 minutes ago")]
    [InlineData(59 * 60 + 29, "59 minutes ago")]
    [InlineData(59 * 60 + 30, "1 hour ago")]
    [InlineData(3600, "1 hour ago")]
    [InlineData(23 * 3600 + 1799, "23 hours ago")]
    [InlineData(23 * 3600 + 1800, "1 day ago")]
    [InlineData(86400, "1 day ago")]
    [InlineData(59 * 86400, "59 days ago")]
    [InlineData(90 * 86400, "3 months ago")]
    [InlineData(800 * 86400, "2 years ago")]
    [InlineData(-30, "in a moment")]
    [InlineData(-12 * 86400, "in 12 days")]
    [InlineData(-365 * 86400, "in 12 months")]
    [InlineData(-(30 * 86400 - 1), "in 30 days")]
    [InlineData(-(1825 * 86400 - 1), "in 5 years")]
    public void A_moment_reads_as_people_say_it(int secondsAgo, string expected) =>
        Assert.Equal(expected, RelativeTime.Describe(Now.AddSeconds(-secondsAgo).UtcDateTime, Now));

    [Fact]
    public void The_exact_moment_reads_in_utc_for_people_and_in_iso_8601_for_machines()
    {
        var moment = new DateTime(2026, 12, 4, 21, 5, 33, DateTimeKind.Unspecified);

        Assert.Equal("2026-12-04 21:05:33 UTC", RelativeTime.Exact(moment));
        Assert.Equal("2026-12-04T21:05:33.0000000+00:00", RelativeTime.Machine(moment));
    }

    [Fact]
    public void A_time_read_without_a_kind_is_taken_as_utc() =>
        Assert.Equal("2 hours ago", RelativeTime.Describe(DateTime.SpecifyKind(Now.UtcDateTime.AddHours(-2), DateTimeKind.Unspecified), Now));
}
