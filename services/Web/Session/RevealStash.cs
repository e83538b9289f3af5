using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.Web.Session;

/// <summary>
/// Carries a new key's full value across the redirect that follows its creation (post, redirect,
/// get), so that reloading the page neither creates a second key nor shows the first again: the
/// value waits in Redis, encrypted, for at most a minute, for the person who created it, and is
/// deleted as it is read. The person is part of its Redis key: someone else who opens the link
/// finds nothing there, and leaves the value for its owner.
/// </summary>
internal sealed class RevealStash(IConnectionMultiplexer redis, IDataProtectionProvider protection)
{
    public const string KeyPrefix = "web-reveals:";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly IDataProtector protector = protection.CreateProtector("TrustedOss.Web.RevealStash");

    /// <summary>
    /// Stores the value for <paramref name="personId"/>; returns the id to fetch it with, or null
    /// when Redis did not take it. The key or secret exists by then, so the caller shows it in its
    /// own answer instead (no page is cached) rather than losing it.
    /// </summary>
    public async Task<string?> TryPutAsync(Guid personId, string value)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        try
        {
            await redis.GetDatabase().StringSetAsync(RedisKey(personId, id), protector.Protect(value), Lifetime);
            return id;
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            return null;
        }
    }

    /// <summary>The value, once: null when it was taken, has expired, or is someone else's.</summary>
    public async Task<string?> TakeAsync(Guid personId, string id)
    {
        var stored = await redis.GetDatabase().StringGetDeleteAsync(RedisKey(personId, id));
        return stored.HasValue ? protector.Unprotect(stored.ToString()) : null;
    }

    private static string RedisKey(Guid personId, string id) => $"{KeyPrefix}{personId:N}:{id}";
}
