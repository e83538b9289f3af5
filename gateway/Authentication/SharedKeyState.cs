using System.Globalization;
using System.Net;
using StackExchange.Redis;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Gateway.Authentication;

/// <summary>What every gateway replica shares about keys: their entries, failed checks per address, and notes of use.</summary>
public interface ISharedKeyState
{
    /// <summary>A key's entry from the shared cache, else from the Keys service; null when no such key exists.</summary>
    Task<VerifiedApiKey?> FindAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>A key's entry from the shared cache only (a Redis read, no database behind it); null when it is not there.</summary>
    Task<VerifiedApiKey?> FindCachedAsync(string prefix);

    /// <summary>
    /// Counts one failed check from <paramref name="clientUnit"/> (<see cref="ClientAddress.LimitKey(IPAddress?)"/>):
    /// the count in the current minute and seconds until it ends.
    /// </summary>
    Task<(int Used, int ResetSeconds)> CountFailureAsync(string clientUnit);

    /// <summary>Notes that a key was used now from <paramref name="client"/> (for last_used_at), without waiting.</summary>
    void NoteUse(Guid keyId, IPAddress? client);
}

/// <summary>
/// <see cref="ISharedKeyState"/> in Redis, each command bounded by the request deadline; a miss
/// asks the Keys service, which loads the key and caches it for every replica.
/// </summary>
internal sealed class RedisSharedKeyState(IConnectionMultiplexer redis, IHttpClientFactory http, RedisDeadline redisDeadline, TimeProvider time)
    : ISharedKeyState
{
    public const string KeysClient = "keys";

    private static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(1);

    public async Task<VerifiedApiKey?> FindAsync(string prefix, CancellationToken cancellationToken) =>
        await FindCachedAsync(prefix) ?? await LookupAsync(prefix, cancellationToken);

    public async Task<VerifiedApiKey?> FindCachedAsync(string prefix) =>
        VerifiedApiKey.FromJson(await redisDeadline.WithinAsync(redis.GetDatabase().StringGetAsync(VerifiedApiKey.CacheKey(prefix))));

    public Task<(int Used, int ResetSeconds)> CountFailureAsync(string clientUnit) =>
        redisDeadline.WithinAsync(FixedWindowCounter.CountAsync(redis.GetDatabase(), $"auth-failures:{clientUnit}", FailureWindow, time.GetUtcNow()));

    public void NoteUse(Guid keyId, IPAddress? client)
    {
        var note = string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow().ToUnixTimeMilliseconds()}|{client}");
        _ = redis.GetDatabase().HashSetAsync(VerifiedApiKey.UsageHashKey, keyId.ToString(), note, flags: CommandFlags.FireAndForget);
    }

    private async Task<VerifiedApiKey?> LookupAsync(string prefix, CancellationToken cancellationToken)
    {
        using var response = await http.CreateClient(KeysClient).PostAsJsonAsync("/internal/api-keys/lookup", new { prefix }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<VerifiedApiKey>(ApiJson.Options, cancellationToken);
    }
}
