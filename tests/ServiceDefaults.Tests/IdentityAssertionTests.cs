using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.ServiceDefaults.Tests;

public sealed class IdentityAssertionTests
{
    private static readonly CallerIdentity Key = new(CallerIdentity.ApiKey, Guid.NewGuid(), Guid.NewGuid(), "team", Guid.NewGuid(), null, "read_only", "127.0.0.1");
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private IdentityAssertion Assertion(string key = "0123456789abcdef0123456789abcdef") =>
        new(Options.Create(new IdentityOptions { SigningKey = key, Lifetime = TimeSpan.FromMinutes(1) }), time);

    [Fact]
    public void A_signed_identity_verifies_to_the_same_caller() =>
        Assert.Equal(Key, Assertion().Verify(Assertion().Sign(Key)));

    [Fact]
    public void An_identity_signed_with_another_key_is_refused() =>
        Assert.Null(Assertion().Verify(Assertion("another-key-another-key-another-key").Sign(Key)));

    [Fact]
    public void Altered_claims_are_refused()
    {
        var parts = Assertion().Sign(Key).Split('.');
        var other = Assertion().Sign(Key with { PermissionBreadth = "read_write" }).Split('.');

        Assert.Null(Assertion().Verify($"{parts[0]}.{other[1]}.{parts[2]}"));
    }

    [Fact]
    public void An_expired_identity_is_refused()
    {
        var signed = Assertion().Sign(Key);
        time.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(Assertion().Verify(signed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1.abc")]
    [InlineData("v2.abc.def")]
    [InlineData("v1.abc.not*base64")]
    public void Malformed_values_are_refused(string? value) => Assert.Null(Assertion().Verify(value));
}
