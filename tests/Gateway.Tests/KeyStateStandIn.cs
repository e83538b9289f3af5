using System.Net;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.Gateway.Authentication;

namespace TrustedOss.Gateway.Tests;

/// <summary>The shared key state (Redis, the Keys service) as a recording stand-in: keys issued, lookups and failures counted, an outage on demand.</summary>
internal sealed class KeyStateStandIn : ISharedKeyState
{
    public const int ResetSeconds = 42;

    public static readonly ApiKeyOptions KeyOptions = new() { Pepper = "verifier-tests-pepper-verifier-tests-pepper" };

    private readonly Dictionary<string, VerifiedApiKey> entries = [];
    private readonly Dictionary<string, int> failures = [];

    public int Finds { get; private set; }

    /// <summary>Failed checks counted, from every address.</summary>
    public int Failures => failures.Values.Sum();

    public int Notes { get; private set; }

    public bool Down { get; set; }

    /// <summary>What a lookup throws instead of answering, when set.</summary>
    public Exception? Failure { get; set; }

    public string Issue(string? key = null, DateTime? expiresAt = null)
    {
        key ??= ApiKeyFormat.NewKey();
        var prefix = key[..ApiKeyFormat.PrefixLength];
        entries[prefix] = new VerifiedApiKey(Guid.NewGuid(), prefix, KeyOptions.Hash(key), "org", "read_write", null, null, Guid.NewGuid(),
            expiresAt, Revoked: false, Version: 1);
        return key;
    }

    /// <summary>Revokes <paramref name="key"/>, and returns it.</summary>
    public string Revoke(string key)
    {
        var prefix = key[..ApiKeyFormat.PrefixLength];
        entries[prefix] = entries[prefix] with { Revoked = true, Version = entries[prefix].Version + 1 };
        return key;
    }

    /// <summary>The prefix of the key issued with <paramref name="keyId"/>.</summary>
    public string PrefixOf(Guid keyId) => entries.Values.Single(e => e.Id == keyId).Prefix;

    /// <summary>A new minute: every address starts again.</summary>
    public void ResetFailures() => failures.Clear();

    /// <summary>Runs after a lookup has read its entry, before it returns (a change that overlaps the lookup).</summary>
    public Action? DuringFind { get; set; }

    public Task<VerifiedApiKey?> FindAsync(string prefix, CancellationToken cancellationToken)
    {
        Finds++;
        if (Failure is not null)
        {
            throw Failure;
        }

        if (Down)
        {
            throw new TimeoutException("Redis did not answer.");
        }

        var entry = entries.GetValueOrDefault(prefix);
        DuringFind?.Invoke();
        return Task.FromResult(entry);
    }

    public Task<VerifiedApiKey?> FindCachedAsync(string prefix) =>
        Failure is not null ? throw Failure
            : Down ? throw new TimeoutException("Redis did not answer.")
            : Task.FromResult(entries.GetValueOrDefault(prefix));

    public Task<(int Used, int ResetSeconds)> CountFailureAsync(string clientUnit)
    {
        if (Down)
        {
            throw new TimeoutException("Redis did not answer.");
        }

        failures[clientUnit] = failures.GetValueOrDefault(clientUnit) + 1;
        return Task.FromResult((failures[clientUnit], ResetSeconds));
    }

    public void NoteUse(Guid keyId, IPAddress? client) => Notes++;
}
