using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Gateway.Identity;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Tests;

/// <summary>
/// The gateway vouches for a browser's address to itself, across the web page, for a minute; no
/// one without the web page's key can make such a value, and no value names another address.
/// </summary>
public sealed class ClientAddressAttestationTests
{
    private static readonly IPAddress Browser = IPAddress.Parse("203.0.113.9");
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly string webKey = IdentityKey.New();

    private IdentitySigner Gateway(string? key = null) =>
        new(Options.Create(new IdentitySigningOptions { Audiences = [new AudienceKey { Name = IdentitySigner.WebAudience, Key = key ?? webKey }] }), time);

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db8::7")]
    public void An_attestation_names_the_address_it_was_made_for(string address)
    {
        var attestation = Gateway().AttestClientAddress(IPAddress.Parse(address));

        Assert.Equal(IPAddress.Parse(address), Gateway().AttestedClientAddress(attestation));
    }

    [Fact]
    public void It_holds_for_a_minute_and_not_after()
    {
        var attestation = Gateway().AttestClientAddress(Browser);

        time.Advance(ClientAddressAttestation.Lifetime);
        Assert.Equal(Browser, Gateway().AttestedClientAddress(attestation));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Gateway().AttestedClientAddress(attestation));
    }

    [Fact]
    public void One_made_by_a_replica_whose_clock_is_a_little_ahead_holds_one_far_ahead_does_not()
    {
        var ahead = new FakeTimeProvider(time.GetUtcNow().AddSeconds(5));
        var farAhead = new FakeTimeProvider(time.GetUtcNow().AddSeconds(6));
        IdentitySigner At(FakeTimeProvider clock) =>
            new(Options.Create(new IdentitySigningOptions { Audiences = [new AudienceKey { Name = IdentitySigner.WebAudience, Key = webKey }] }), clock);

        Assert.Equal(Browser, Gateway().AttestedClientAddress(At(ahead).AttestClientAddress(Browser)));
        Assert.Null(Gateway().AttestedClientAddress(At(farAhead).AttestClientAddress(Browser)));
    }

    [Fact]
    public void Another_key_or_another_address_does_not_verify()
    {
        var attestation = Gateway().AttestClientAddress(Browser);
        var otherAddress = attestation.Replace("203.0.113.9", "203.0.113.10", StringComparison.Ordinal);

        Assert.Null(Gateway(IdentityKey.New()).AttestedClientAddress(attestation));
        Assert.Null(Gateway().AttestedClientAddress(otherAddress));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("203.0.113.9")]
    [InlineData("203.0.113.9;1796205600")]
    [InlineData("not-an-address;1796205600;AAAA")]
    [InlineData("203.0.113.9;-5;AAAA")]
    [InlineData("203.0.113.9;1796205600;not base64url!")]
    [InlineData("203.0.113.9;1796205600;AAAA;extra")]
    public void Anything_malformed_names_no_address(string? value) => Assert.Null(Gateway().AttestedClientAddress(value));

    [Fact]
    public void Without_the_web_pages_key_the_gateway_vouches_for_nothing()
    {
        var withoutWeb = new IdentitySigner(
            Options.Create(new IdentitySigningOptions { Audiences = [new AudienceKey { Name = "scans", Key = IdentityKey.New() }] }), time);

        Assert.Null(withoutWeb.AttestedClientAddress(Gateway().AttestClientAddress(Browser)));
    }
}
