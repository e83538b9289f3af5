using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StackExchange.Redis;

namespace TrustedOss.Web.Session;

/// <summary>
/// Sign-in sessions live in Redis, so the browser's cookie holds only a random session id (and every
/// replica of this service finds the session behind it). The person's access token is in the
/// session and never reaches the browser. A session ends with its token: its Redis entry expires
/// when the token does, and sign-out deletes it at once.
/// </summary>
internal sealed class RedisTicketStore(IConnectionMultiplexer redis, TimeProvider time) : ITicketStore
{
    public const string KeyPrefix = "web-sessions:";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await RenewAsync(id, ticket);
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var lifetime = (ticket.Properties.ExpiresUtc ?? time.GetUtcNow()) - time.GetUtcNow();
        return lifetime <= TimeSpan.Zero
            ? RemoveAsync(key)
            : redis.GetDatabase().StringSetAsync(KeyPrefix + key, TicketSerializer.Default.Serialize(ticket), lifetime);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var stored = await redis.GetDatabase().StringGetAsync(KeyPrefix + key);
        return stored.HasValue ? TicketSerializer.Default.Deserialize((byte[])stored!) : null;
    }

    public Task RemoveAsync(string key) => redis.GetDatabase().KeyDeleteAsync(KeyPrefix + key);
}
