using Microsoft.Extensions.Time.Testing;
using TrustedOss.Keys.ApiKeys;

namespace TrustedOss.Keys.Tests;

/// <summary>How long a replica shows a key its own row from its copy (the announcements: <c>AnnouncedChangesTests</c>).</summary>
public sealed class KeyRowCacheTests
{
    [Fact]
    public void A_key_is_kept_as_long_as_a_gateway_keeps_its_copy_and_not_after()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var cache = new KeyRowCache(time) { Hearing = true };
        var key = new ApiKey(Guid.NewGuid(), "tos_abcdefgh", "ci", "org", "read_write", TeamId: null, ProjectId: null, Guid.NewGuid(),
            "dev@example.com", new DateTime(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc), LastUsedAt: null, LastUsedIp: null, RevokedAt: null,
            ExpiresAt: null);

        cache.Remember(key, cache.Version);

        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.Same(key, cache.Find(key.Id));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(cache.Find(key.Id));
    }
}
