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

    /// <summary>What a service holds: the public half only.</summary>
    private IdentityVerifier Service() =>
        new(Options.Create(new IdentityOptions { VerificationKey = gatewayKey.ExportSubjectPublicKeyInfoPem() }), time);

    [Fact]
    public void A_signed_identity_verifies_to_the_same_caller() =>
        Assert.Equal(Key, Service().Verify(Gateway().Sign(Key)));

    [Fact]
    public void An_identity_signed_with_another_key_is_refused() =>
        Assert.Null(Service().Verify(Gateway(otherKey).Sign(Key)));

    [Fact]
    public void Altered_claims_are_refused()
    {
        var parts = Gateway().Sign(Key).Split('.');
        var other = Gateway().Sign(Key with { PermissionBreadth = "read_write" }).Split('.');

        Assert.Null(Service().Verify($"{parts[0]}.{other[1]}.{parts[2]}"));
    }

    [Fact]
    public void An_expired_identity_is_refused()
    {
        var signed = Gateway().Sign(Key);
        time.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(Service().Verify(signed));
    }

    [Fact]
    public void An_identity_is_valid_until_the_second_it_expires()
    {
        var signed = Gateway().Sign(Key);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(Key, Service().Verify(signed));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Service().Verify(signed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1.abc")]
    [InlineData("v2.abc.def")]
    [InlineData("v1.abc.not*base64")]
    [InlineData("v1.e30.AAAA")]
    public void Malformed_values_are_refused(string? value) => Assert.Null(Service().Verify(value));

    [Theory]
    [InlineData("v1.abc")]
    [InlineData("v2.abc.def")]
    [InlineData("v1.abc.not*base64")]
    public void Values_not_shaped_like_an_identity_do_not_split(string value) =>
        Assert.False(ForwardedIdentity.TrySplit(value, out _, out _));

    [Fact]
    public void A_signed_payload_that_is_not_an_identity_is_refused()
    {
        var payload = "bm90LWpzb24";
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
