using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;

namespace TrustedOss.Keys.Tests;

/// <summary>How long a replica authorizes a person from its copy (the announcements: <c>AnnouncedChangesTests</c>).</summary>
public sealed class PeopleCacheTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void A_person_is_kept_for_the_lifetime_and_not_after()
    {
        using var cache = Cache(TimeSpan.FromSeconds(5));
        var person = Person();

        cache.Remember(person, cache.Version);

        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.Same(person, cache.Find(person.Id));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(cache.Find(person.Id));
    }

    [Fact]
    public void No_lifetime_keeps_no_one()
    {
        using var cache = Cache(TimeSpan.Zero);
        var person = Person();

        cache.Remember(person, cache.Version);

        Assert.Null(cache.Find(person.Id));
    }

    [Theory]
    [InlineData("00:00:05", true)]
    [InlineData("00:01:00", true)]
    [InlineData("00:01:01", false)]
    [InlineData("-00:00:01", false)]
    public void The_lifetime_is_at_most_a_minute(string lifetime, bool valid)
    {
        var options = new PeopleCacheOptions { Lifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }

    private PeopleCache Cache(TimeSpan lifetime) => new(Options.Create(new PeopleCacheOptions { Lifetime = lifetime }), time) { Hearing = true };

    private static CurrentUser Person() => new(
        new UserRow(Guid.NewGuid(), "dev@example.com", "Dev", "", IsSuperuser: false, IsActive: true, new DateTime(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc)),
        [new Membership(Guid.NewGuid(), "core", "developer")]);
}
