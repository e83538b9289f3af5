using System.Security.Cryptography;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// HMAC-SHA256 under the few long-lived keys of a process (identity and address keys), reusing
/// each key's hashing context on each thread. The one-shot <see cref="HMACSHA256.HashData(byte[], byte[])"/>
/// sets up a new OpenSSL context every call (the digest looked up by name, the key schedule),
/// which costs more than hashing a short value; the gateway makes several tags a request and
/// every service checks two (docs/benchmarks.md).
/// </summary>
public static class KeyedHmac
{
    /// <summary>
    /// A thread keeps contexts for this many keys (the gateway uses five: the pepper and four
    /// services' identity keys); a further key takes the place of one, each in turn.
    /// </summary>
    private const int ContextsPerThread = 8;

    [ThreadStatic]
    private static Context?[]? contexts;

    [ThreadStatic]
    private static int nextReplaced;

    /// <summary>Writes the HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/> to <paramref name="tag"/> (32 bytes).</summary>
    public static void Compute(byte[] key, ReadOnlySpan<byte> data, Span<byte> tag)
    {
        var context = ContextFor(key);
        try
        {
            context.Hash.AppendData(data);
            context.Hash.GetHashAndReset(tag);
        }
        catch
        {
            // A context that failed half-way holds unknown state: never reused.
            Forget(context);
            throw;
        }
    }

    public static byte[] Compute(byte[] key, ReadOnlySpan<byte> data)
    {
        var tag = new byte[HMACSHA256.HashSizeInBytes];
        Compute(key, data, tag);
        return tag;
    }

    private static Context ContextFor(byte[] key)
    {
        var kept = contexts ??= new Context?[ContextsPerThread];
        foreach (var context in kept)
        {
            // By content, against the context's own copy: a key array changed in place is a new key.
            if (context is not null && key.AsSpan().SequenceEqual(context.Key))
            {
                return context;
            }
        }

        var added = new Context([.. key], IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));
        var slot = Array.IndexOf(kept, null);
        if (slot < 0)
        {
            slot = nextReplaced;
            nextReplaced = (nextReplaced + 1) % ContextsPerThread;
            kept[slot]!.Dispose();
        }

        kept[slot] = added;
        return added;
    }

    private static void Forget(Context context)
    {
        var slot = Array.IndexOf(contexts!, context);
        if (slot >= 0)
        {
            contexts![slot] = null;
        }

        context.Dispose();
    }

    private sealed record Context(byte[] Key, IncrementalHash Hash)
    {
        /// <summary>Frees the native context and wipes this copy of the key.</summary>
        public void Dispose()
        {
            Hash.Dispose();
            CryptographicOperations.ZeroMemory(Key);
        }
    }
}
