using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Gateway.Identity;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Tests;

/// <summary>
/// The gateway tags forwarded identities with the receiving service's key and the Keys service's;
/// each service, holding only its own key, checks its tag.
/// </summary>
public sealed class IdentitySigningTests
{
    private static readonly CallerIdentity Key = new(CallerIdentity.ApiKey, Guid.NewGuid(), Guid.NewGuid(), "team", Guid.NewGuid(), null, "read_only", "127.0.0.1");
    private static readonly IdentityBinding Binding = new("scans", "POST", "/v1/projects/7/scans", "0123456789abcdef0123456789abcdef");
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Dictionary<string, string> keys = new()
    {
        ["scans"] = IdentityKey.New(),
        ["keys"] = IdentityKey.New(),
        ["webhook-ingest"] = IdentityKey.New(),
    };

    /// <summary>What the gateway holds: every service's key.</summary>
    private IdentitySigner Gateway(Dictionary<string, string>? with = null) =>
        new(Options.Create(new IdentitySigningOptions { Audiences = [.. (with ?? keys).Select(k => new AudienceKey { Name = k.Key, Key = k.Value })] }), time);

    /// <summary>What a service holds: its own key only.</summary>
    private IdentityVerifier Service(string name = "scans") => new(Options.Create(new IdentityOptions { Key = keys[name] }), time);

    [Fact]
    public void A_tagged_identity_verifies_to_the_same_caller_and_binding() =>
        Assert.Equal(new VerifiedIdentity(Key, Binding), Service().Verify(Gateway().Sign(Key, Binding)));

    [Fact]
    public void The_keys_service_can_check_an_identity_bound_to_another_service_the_third_cannot()
    {
        var signed = Gateway().Sign(Key, Binding);

        // Keys answers other services on the caller's behalf; its endpoints judge the binding themselves.
        Assert.Equal(new VerifiedIdentity(Key, Binding), Service("keys").Verify(signed));
        Assert.Null(Service("webhook-ingest").Verify(signed));
    }

    [Fact]
    public void An_identity_bound_to_the_keys_service_carries_its_tag_only()
    {
        var signed = Gateway().Sign(Key, Binding with { Audience = "keys" });

        Assert.Equal(3, signed.Split('.').Length);
        Assert.NotNull(Service("keys").Verify(signed));
        Assert.Null(Service().Verify(signed));
    }

    [Fact]
    public void An_identity_tagged_with_other_keys_is_refused()
    {
        var others = keys.ToDictionary(k => k.Key, _ => IdentityKey.New());

        Assert.Null(Service().Verify(Gateway(others).Sign(Key, Binding)));
        Assert.Null(Service("keys").Verify(Gateway(others).Sign(Key, Binding)));
    }

    [Fact]
    public void A_service_cannot_tag_for_another_service()
    {
        // A compromised Scan service holds its key only: what it tags, Keys refuses.
        var scansOnly = new Dictionary<string, string> { ["scans"] = keys["scans"], ["keys"] = IdentityKey.New() };

        Assert.Null(Service("keys").Verify(Gateway(scansOnly).Sign(Key, Binding)));
    }

    [Fact]
    public void Altered_claims_are_refused()
    {
        var parts = Gateway().Sign(Key, Binding).Split('.');
        var wider = Gateway().Sign(Key with { PermissionBreadth = "read_write" }, Binding).Split('.');
        var elsewhere = Gateway().Sign(Key, Binding with { Audience = "keys" }).Split('.');

        Assert.Null(Service().Verify($"{parts[0]}.{wider[1]}.{parts[2]}.{parts[3]}"));
        Assert.Null(Service().Verify($"{parts[0]}.{elsewhere[1]}.{parts[2]}.{parts[3]}"));
    }

    [Fact]
    public void A_tag_cut_short_or_padded_is_refused()
    {
        var parts = Gateway().Sign(Key, Binding).Split('.');

        Assert.Null(Service().Verify($"{parts[0]}.{parts[1]}.{parts[2][..^2]}"));
        Assert.Null(Service().Verify($"{parts[0]}.{parts[1]}.{parts[2]}AA"));
        Assert.NotNull(Service().Verify($"{parts[0]}.{parts[1]}.{parts[2]}"));
    }

    [Fact]
    public void A_tag_given_twice_still_verifies()
    {
        // Tags are looked for, not counted: a repeated one (two services sharing a key) does not cancel out.
        var parts = Gateway().Sign(Key, Binding).Split('.');

        Assert.NotNull(Service().Verify($"{parts[0]}.{parts[1]}.{parts[2]}.{parts[2]}"));
    }

    [Fact]
    public void An_expired_identity_is_refused()
    {
        var signed = Gateway().Sign(Key, Binding);
        time.Advance(TimeSpan.FromSeconds(16));

        Assert.Null(Service().Verify(signed));
    }

    [Fact]
    public void An_identity_is_valid_until_the_second_it_expires()
    {
        var signed = Gateway().Sign(Key, Binding);

        time.Advance(TimeSpan.FromSeconds(14));
        Assert.NotNull(Service().Verify(signed));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Service().Verify(signed));
    }

    [Fact]
    public void Signing_for_a_service_without_a_key_fails_loudly()
    {
        var withoutScans = keys.Where(k => k.Key != "scans").ToDictionary();

        Assert.Throws<InvalidOperationException>(() => Gateway(withoutScans).Sign(Key, Binding));
    }

    [Theory]
    [InlineData("scans", "POST", "/v1/projects/7/scans", "0123456789abcdef0123456789abcdef", true)]
    [InlineData("scans", "post", "/v1/projects/7/scans", "0123456789abcdef0123456789abcdef", true)]
    [InlineData("keys", "POST", "/v1/projects/7/scans", "0123456789abcdef0123456789abcdef", false)]
    [InlineData("scans", "GET", "/v1/projects/7/scans", "0123456789abcdef0123456789abcdef", false)]
    [InlineData("scans", "POST", "/v1/projects/8/scans", "0123456789abcdef0123456789abcdef", false)]
    [InlineData("scans", "POST", "/v1/projects/7/scans", "ffffffffffffffffffffffffffffffff", false)]
    public void A_binding_matches_only_its_own_service_and_request(string audience, string method, string path, string requestId, bool matches) =>
        Assert.Equal(matches, Binding.Matches(audience, method, path, requestId));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v3.abc")]
    [InlineData("v2.abc.def")]
    [InlineData("v3.abc.not*base64")]
    [InlineData("v3.e30.AAAA")]
    [InlineData("v3..AAAA")]
    public void Malformed_values_are_refused(string? value) => Assert.Null(Service().Verify(value));

    [Fact]
    public void A_value_with_more_than_two_tags_is_refused_even_with_the_right_one()
    {
        var signed = Gateway().Sign(Key, Binding);

        Assert.NotNull(Service().Verify(signed));
        Assert.Null(Service().Verify($"{signed}.AAAA"));
    }

    [Theory]
    [InlineData("bm90LWpzb24")]
    [InlineData("eyJjYWxsZXIiOnsia2luZCI6InNlcnZpY2UifSwiZXhwaXJlcyI6OTk5OTk5OTk5OX0")]
    public void A_tagged_payload_that_is_not_a_bound_identity_is_refused(string payload)
    {
        // The second is a caller with a far expiry but no binding, as an identity of an old format.
        var forged = ForwardedIdentity.Tagged(Base64Url.DecodeFromChars(payload), [Convert.FromBase64String(keys["scans"])]);

        Assert.Null(Service().Verify(forged));
    }

    [Theory]
    [InlineData("bad*claims")]
    [InlineData("{}")]
    public void A_correctly_tagged_value_whose_claims_are_not_base64url_is_refused(string claims)
    {
        // The tag is right for exactly these characters, so only the claims' own check can refuse them.
        var signed = $"v3.{claims}";
        var tag = HMACSHA256.HashData(Convert.FromBase64String(keys["scans"]), Encoding.ASCII.GetBytes(signed));

        Assert.Null(Service().Verify($"{signed}.{Base64Url.EncodeToString(tag)}"));
    }

    [Fact]
    public void Claims_tagged_under_the_service_key_verify()
    {
        // The control for the test above: the same construction with a bound identity's claims verifies.
        var claims = Base64Url.DecodeFromChars(Gateway().Sign(Key, Binding).Split('.')[1]);

        Assert.Equal(new VerifiedIdentity(Key, Binding), Service().Verify(ForwardedIdentity.Tagged(claims, [Convert.FromBase64String(keys["scans"])])));
    }

    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    public void A_key_shorter_than_32_bytes_is_refused(string key) =>
        Assert.Throws<FormatException>(() => IdentityKey.Decode(key));

    /// <summary>A well-formed key (bytes 1 to 32): fixed, so that every run lists the same cases.</summary>
    private const string WellFormedKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    public static TheoryData<string> KeysThatOnlyLookLikeBase64 => new()
    {
        // Its padding trimmed (43 characters), and padded one character too far (45).
        WellFormedKey.TrimEnd('='),
        WellFormedKey.TrimEnd('=') + "==",
    };

    [Theory]
    [MemberData(nameof(KeysThatOnlyLookLikeBase64))]
    public void A_key_that_only_looks_like_base64_is_refused_at_start_not_on_the_first_request(string key)
    {
        // Refused by the options' validation, which runs at start, as by the decoding on first use.
        Assert.False(Valid(new IdentityOptions { Key = key }));
        Assert.False(Valid(new AudienceKey { Name = "scans", Key = key }));
        Assert.Throws<FormatException>(() => IdentityKey.Decode(key));
    }

    private static bool Valid(object options) => Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true);

    [Fact]
    public void A_generated_key_passes_the_validation_at_start()
    {
        var key = IdentityKey.New();

        Assert.True(Valid(new IdentityOptions { Key = key }));
        Assert.True(Valid(new AudienceKey { Name = "scans", Key = key }));
        Assert.Equal(IdentityKey.MinBytes, IdentityKey.Decode(key).Length);
    }
}
