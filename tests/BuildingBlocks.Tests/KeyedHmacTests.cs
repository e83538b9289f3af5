using System.Security.Cryptography;
using System.Text;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class KeyedHmacTests
{
    [Fact]
    public void Computes_the_rfc_4231_test_vector() =>
        // RFC 4231, test case 2.
        Assert.Equal(
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Convert.ToHexStringLower(KeyedHmac.Compute("Jefe"u8.ToArray(), "what do ya want for nothing?"u8)));

    [Fact]
    public void A_context_used_again_gives_each_value_its_own_tag()
    {
        var key = RandomNumberGenerator.GetBytes(32);

        foreach (var value in new[] { "first", "second", "", "first" })
        {
            var data = Encoding.ASCII.GetBytes(value);
            Assert.Equal(HMACSHA256.HashData(key, data), KeyedHmac.Compute(key, data));
        }
    }

    [Fact]
    public void More_keys_than_a_thread_keeps_each_get_their_own_tag()
    {
        var keys = Enumerable.Range(0, 9).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var data = "v3.claims"u8.ToArray();

        // Interleaved twice, so keys come back after being replaced.
        foreach (var key in keys.Concat(keys).Concat(Enumerable.Reverse(keys)))
        {
            Assert.Equal(HMACSHA256.HashData(key, data), KeyedHmac.Compute(key, data));
        }
    }

    [Fact]
    public void A_key_changed_in_place_is_a_new_key()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var data = "client-address;::1;0"u8.ToArray();
        var before = KeyedHmac.Compute(key, data);

        key[0] ^= 0xff;

        Assert.Equal(HMACSHA256.HashData(key, data), KeyedHmac.Compute(key, data));
        Assert.NotEqual(before, KeyedHmac.Compute(key, data));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // Zeros: the bytes a dropped context's wiped copy holds, so it must not be found again.
    public void A_failed_computation_leaves_the_key_usable(bool zeros)
    {
        var key = zeros ? new byte[32] : RandomNumberGenerator.GetBytes(32);
        var data = "v3.claims"u8.ToArray();
        KeyedHmac.Compute(key, data);

        Assert.Throws<ArgumentException>(() => KeyedHmac.Compute(key, data, new byte[HMACSHA256.HashSizeInBytes / 2]));

        Assert.Equal(HMACSHA256.HashData(key, data), KeyedHmac.Compute(key, data));
    }

    [Fact]
    public async Task Threads_computing_at_once_each_get_the_right_tags()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();

        var wrong = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
            Enumerable.Range(0, 2_000).Count(i =>
            {
                var key = keys[(worker + i) % keys.Count];
                var data = BitConverter.GetBytes(i);
                return !HMACSHA256.HashData(key, data).AsSpan().SequenceEqual(KeyedHmac.Compute(key, data));
            }))));

        Assert.All(wrong, count => Assert.Equal(0, count));
    }
}
