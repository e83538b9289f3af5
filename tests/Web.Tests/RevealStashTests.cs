using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;
using TrustedOss.TestSupport;
using TrustedOss.Web.Session;

namespace TrustedOss.Web.Tests;

/// <summary>A new key's one-time reveal, kept in a real Redis across the page's redirect.</summary>
public sealed class RevealStashTests
{
    [Fact]
    public async Task The_value_is_shown_once_to_its_owner_and_someone_else_opening_the_link_first_does_not_take_it()
    {
        using var server = await RedisServer.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var stash = new RevealStash(redis, new EphemeralDataProtectionProvider());
        var (owner, someoneElse) = (Guid.NewGuid(), Guid.NewGuid());

        var id = await stash.TryPutAsync(owner, "tos_a1b2c3d4_secret");

        Assert.NotNull(id);
        Assert.Null(await stash.TakeAsync(someoneElse, id));
        Assert.Equal("tos_a1b2c3d4_secret", await stash.TakeAsync(owner, id));
        Assert.Null(await stash.TakeAsync(owner, id));
    }

    [Fact]
    public async Task What_waits_in_redis_is_encrypted()
    {
        using var server = await RedisServer.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var stash = new RevealStash(redis, new EphemeralDataProtectionProvider());

        await stash.TryPutAsync(Guid.NewGuid(), "tos_a1b2c3d4_secret");

        var stored = await redis.GetDatabase().StringGetAsync(redis.GetServers()[0].Keys(pattern: RevealStash.KeyPrefix + "*").Single());
        Assert.DoesNotContain("secret", stored.ToString(), StringComparison.Ordinal);
    }
}
