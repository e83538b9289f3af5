using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Gateway.Identity;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Tests;

/// <summary>The gateway signs forwarded identities; services, holding only the public key, verify them.</summary>
public sealed class IdentitySigningTests : IDisposable
{
    private static readonly CallerIdentity Key = new(CallerIdentity.ApiKey, Guid.NewGuid(), Guid.NewGuid(), "team", Guid.NewGuid(), null, "read_only", "127.0.0.1");
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ECDsa gatewayKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>What the gateway holds: the private half.</summary>
    private IdentitySigner Gateway(ECDsa? key = null) =>
        new(Options.Create(new IdentitySigningOptions { SigningKey = (key ?? gatewayKey).ExportPkcs8PrivateKeyPem() }), time);

    private static readonly IdentityBinding Binding = new("scans", "POST", "/v1/projects/7/scans", "0123456789abcdef0123456789abcdef");

    /// <summary>What a service holds: the public half only.</summary>
    private IdentityVerifier Service() =>
        new(Options.Create(new IdentityOptions { VerificationKey = gatewayKey.ExportSubjectPublicKeyInfoPem() }), time);

    [Fact]
    public void A_signed_identity_verifies_to_the_same_caller_and_binding() =>
        Assert.Equal(new VerifiedIdentity(Key, Binding), Service().Verify(Gateway().Sign(Key, Binding)));

    [Fact]
    public void An_identity_signed_with_another_key_is_refused() =>
        Assert.Null(Service().Verify(Gateway(otherKey).Sign(Key, Binding)));

    [Fact]
    public void Altered_claims_are_refused()
    {
        var parts = Gateway().Sign(Key, Binding).Split('.');
        var wider = Gateway().Sign(Key with { PermissionBreadth = "read_write" }, Binding).Split('.');
        var elsewhere = Gateway().Sign(Key, Binding with { Audience = "keys" }).Split('.');

        Assert.Null(Service().Verify($"{parts[0]}.{wider[1]}.{parts[2]}"));
        Assert.Null(Service().Verify($"{parts[0]}.{elsewhere[1]}.{parts[2]}"));
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
    [InlineData("v2.abc")]
    [InlineData("v1.abc.def")]
    [InlineData("v2.abc.not*base64")]
    [InlineData("v2.e30.AAAA")]
    public void Malformed_values_are_refused(string? value) => Assert.Null(Service().Verify(value));

    [Theory]
    [InlineData("v2.abc")]
    [InlineData("v1.abc.def")]
    [InlineData("v2.abc.not*base64")]
    public void Values_not_shaped_like_an_identity_do_not_split(string value) =>
        Assert.False(ForwardedIdentity.TrySplit(value, out _, out _));

    [Theory]
    [InlineData("bm90LWpzb24")]
    [InlineData("eyJjYWxsZXIiOnsia2luZCI6InNlcnZpY2UifSwiZXhwaXJlcyI6OTk5OTk5OTk5OX0")]
    public void A_signed_payload_that_is_not_a_bound_identity_is_refused(string payload)
    {
        // The second is a caller with a far expiry but no binding, as an identity of the old format.
        var forged = ForwardedIdentity.Assemble(payload, gatewayKey.SignData(ForwardedIdentity.SignedBytes(payload), HashAlgorithmName.SHA256));

        Assert.True(ForwardedIdentity.TrySplit(forged, out _, out _));
        Assert.Null(Service().Verify(forged));
    }

    public void Dispose()
    {
        gatewayKey.Dispose();
        otherKey.Dispose();
    }
}
