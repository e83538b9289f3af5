using System.Security.Cryptography;
using System.Text;
using TrustedOss.Credentials.ApiKeys;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class ApiKeyTests
{
    private static readonly ApiKeyOptions Options = new() { Pepper = "pepper-pepper-pepper-pepper-pepper" };
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_key_hash_is_the_hmac_under_the_pepper_it_has_now()
    {
        var key = ApiKeyFormat.NewKey();
        var options = new ApiKeyOptions { Pepper = "first-pepper-first-pepper-first-pe" };
        Assert.Equal(
            HMACSHA256.HashData("first-pepper-first-pepper-first-pe"u8.ToArray(), Encoding.ASCII.GetBytes(key)),
            options.Hash(key));

        options.Pepper = "second-pepper-second-pepper-secon";

        Assert.Equal(
            HMACSHA256.HashData("second-pepper-second-pepper-secon"u8.ToArray(), Encoding.ASCII.GetBytes(key)),
            options.Hash(key));
    }

    [Fact]
    public void New_keys_have_the_contract_format_and_differ()
    {
        var first = ApiKeyFormat.NewKey();
        var second = ApiKeyFormat.NewKey();

        Assert.Matches("^tos_[0-9a-f]{8}_[0-9a-f]{32}$", first);
        Assert.NotEqual(first, second);
        Assert.True(ApiKeyFormat.TryParse(first, out var prefix));
        Assert.Equal(first[..12], prefix);
    }

    [Theory]
    [InlineData("tos_a1b2c3d4_eaff8b91d36c5e0a2f1c4d7e8a9b0c2")]    // secret one short
    [InlineData("tos_A1B2C3D4_eaff8b91d36c5e0a2f1c4d7e8a9b0c2d")]   // upper case
    [InlineData("tos_a1b2c3d4-eaff8b91d36c5e0a2f1c4d7e8a9b0c2d")]   // wrong separator
    [InlineData("xyz_a1b2c3d4_eaff8b91d36c5e0a2f1c4d7e8a9b0c2d")]
    [InlineData("tos_a1b2c3d4_eaff8b91d36c5e0a2f1c4d7e8a9b0c2d\n")]
    [InlineData(null)]
    public void Malformed_keys_do_not_parse(string? key) => Assert.False(ApiKeyFormat.TryParse(key, out _));

    [Theory]
    [InlineData("tos_anything", true)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.sig", false)]
    [InlineData("TOS_a1b2c3d4_eaff8b91d36c5e0a2f1c4d7e8a9b0c2d", false)]
    public void Only_tokens_with_the_key_prefix_are_taken_for_keys(string token, bool looksLikeKey) =>
        Assert.Equal(looksLikeKey, ApiKeyFormat.LooksLikeKey(token));

    [Fact]
    public void The_shared_cache_entry_is_named_by_the_prefix() =>
        Assert.Equal("api-keys:tos_a1b2c3d4", VerifiedApiKey.CacheKey("tos_a1b2c3d4"));

    [Fact]
    public void A_missing_cache_entry_reads_as_none() => Assert.Null(VerifiedApiKey.FromJson(null));

    [Fact]
    public void An_entry_accepts_its_own_key_only()
    {
        var key = ApiKeyFormat.NewKey();
        var entry = Entry(key);

        Assert.Equal(VerifiedApiKey.Check.Usable, entry.Verify(key, Options, Now));
        Assert.Equal(VerifiedApiKey.Check.WrongSecret, entry.Verify(ApiKeyFormat.NewKey(), Options, Now));
        Assert.Equal(VerifiedApiKey.Check.WrongSecret, entry.Verify(key, new ApiKeyOptions { Pepper = "another-pepper-another-pepper-xx" }, Now));
    }

    [Fact]
    public void Revoked_and_expired_keys_are_refused()
    {
        var key = ApiKeyFormat.NewKey();

        Assert.Equal(VerifiedApiKey.Check.Unusable, (Entry(key) with { Revoked = true }).Verify(key, Options, Now));
        Assert.Equal(VerifiedApiKey.Check.Unusable, Entry(key, expiresAt: Now.UtcDateTime).Verify(key, Options, Now));
        Assert.Equal(VerifiedApiKey.Check.Usable, Entry(key, expiresAt: Now.UtcDateTime.AddSeconds(1)).Verify(key, Options, Now));
        Assert.Equal(VerifiedApiKey.Check.WrongSecret, (Entry(key) with { Revoked = true }).Verify(ApiKeyFormat.NewKey(), Options, Now));
    }

    [Fact]
    public void Entries_survive_the_cache_round_trip()
    {
        var entry = Entry(ApiKeyFormat.NewKey(), Now.UtcDateTime.AddDays(30));

        var copy = VerifiedApiKey.FromJson(entry.ToJson())!;

        Assert.Equal(entry.SecretHash, copy.SecretHash);
        Assert.Equal(entry with { SecretHash = copy.SecretHash }, copy);
    }

    private static VerifiedApiKey Entry(string key, DateTime? expiresAt = null) =>
        new(Guid.NewGuid(), key[..12], Options.Hash(key), "org", "read_write", null, null, Guid.NewGuid(), expiresAt, Revoked: false, Version: 1);

    [Theory]
    [InlineData(false, false, null, 2 * 60)]
    [InlineData(false, false, "2026-11-29T10:00:01Z", 2 * 60)]
    [InlineData(true, false, null, 2 * 60)]
    [InlineData(true, true, null, 30 * 24 * 60 * 60)]
    [InlineData(false, false, "2026-11-29T10:00:00Z", 30 * 24 * 60 * 60)]
    public void A_key_that_never_works_again_keeps_its_shared_entry_for_a_month(bool refused, bool keyRevoked, string? expiresAt, int seconds)
    {
        // Refused only for its issuer (deactivated, demoted), a key may work again: its entry lives as long as any.
        var entry = new VerifiedApiKey(Guid.NewGuid(), "tos_0000000a", [1], "org", "read_write", null, null, Guid.NewGuid(),
            expiresAt is null ? null : DateTimeOffset.Parse(expiresAt, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, refused, 1)
        {
            KeyRevoked = keyRevoked,
        };

        Assert.Equal(TimeSpan.FromSeconds(seconds), entry.LifetimeInCache(Now));
    }
}

