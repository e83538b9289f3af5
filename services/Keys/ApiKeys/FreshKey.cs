namespace TrustedOss.Keys.ApiKeys;

/// <summary>
/// A new key whose prefix no key has had. The prefix is 32 random bits and unique among every key
/// ever issued, revoked ones included, so across tens of thousands of keys two will one day share
/// one: that key is made again, not answered with an error.
/// </summary>
internal static class FreshKey
{
    /// <summary>Keys made before giving up: with a billion prefixes still free, five clashes in a row do not happen.</summary>
    internal const int Attempts = 5;

    /// <summary>Stores the first of <paramref name="newKey"/>'s keys that <paramref name="tryStore"/> takes (false: its prefix is taken).</summary>
    public static async Task<T> StoreAsync<T>(Func<string> newKey, Func<string, T> describe, Func<T, string, Task<bool>> tryStore)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var rawKey = newKey();
            var key = describe(rawKey);
            if (await tryStore(key, rawKey))
            {
                return key;
            }
        }

        throw new InvalidOperationException($"{Attempts} new API keys in a row had a prefix already taken.");
    }
}
