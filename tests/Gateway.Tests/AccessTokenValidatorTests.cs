using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using TrustedOss.Credentials;
using TrustedOss.Gateway.Authentication;

namespace TrustedOss.Gateway.Tests;

/// <summary>Which access tokens name a person at the gateway: only the Keys service's own, unexpired, unaltered.</summary>
public sealed class AccessTokenValidatorTests
{
    private static readonly JwtOptions Jwt = new() { SigningKey = "access-token-tests-signing-key-long-enough-to-sign-hs512-too-0123456789" };
    private static readonly Guid Person = Guid.Parse("7d0c1f8e-4b1a-4c55-9a7e-2f6f0e3b9c01");

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", CultureInfo.InvariantCulture));
    private readonly AccessTokenValidator validator;

    public AccessTokenValidatorTests() => validator = new AccessTokenValidator(Options.Create(Jwt), time);

    [Fact]
    public async Task A_token_as_the_keys_service_issues_it_names_its_person_until_it_expires_give_or_take_the_skew()
    {
        var token = Issue();

        Assert.Equal(Person, await validator.PersonAsync(token));
        time.Advance(TimeSpan.FromMinutes(30) + AccessTokenValidator.ClockSkew - TimeSpan.FromSeconds(1));
        Assert.Equal(Person, await validator.PersonAsync(token));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await validator.PersonAsync(token)); // at the expiry plus the skew: over
    }

    [Fact]
    public async Task A_token_not_yet_valid_is_refused_beyond_the_skew()
    {
        Assert.Null(await validator.PersonAsync(Issue(notBefore: time.GetUtcNow().AddMinutes(1))));
        Assert.Equal(Person, await validator.PersonAsync(Issue(notBefore: time.GetUtcNow().AddSeconds(20))));
    }

    public static TheoryData<string> Forgeries => new()
    {
        "another signing key",
        "another issuer",
        "another audience",
        "HS512",
        "no expiry",
        "unsigned",
        "a subject that is not a person's id",
        "altered payload",
        "not a token",
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_token_the_keys_service_did_not_issue_names_nobody(string forgery)
    {
        var token = forgery switch
        {
            "another signing key" => Issue(key: "some-other-signing-key-0123456789abcdef"),
            "another issuer" => Issue(issuer: "someone-else"),
            "another audience" => Issue(audience: "another-api"),
            "HS512" => Issue(algorithm: SecurityAlgorithms.HmacSha512),
            "no expiry" => Issue(expires: false),
            "unsigned" => Issue(signed: false),
            "a subject that is not a person's id" => Issue(subject: "admin"),
            "altered payload" => Altered(Issue()),
            _ => "not-a-token",
        };

        Assert.Null(await validator.PersonAsync(token));
    }

    /// <summary>The token with its payload's subject swapped for another person's, its signature kept.</summary>
    private static string Altered(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        parts[1] = Base64UrlEncoder.Encode(payload.Replace(Person.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal));
        return string.Join('.', parts);
    }

    private string Issue(string? key = null, string? issuer = null, string? audience = null, string algorithm = SecurityAlgorithms.HmacSha256,
        bool signed = true, bool expires = true, string? subject = null, DateTimeOffset? notBefore = null) =>
        TestAccessTokens.Issue(Jwt, time.GetUtcNow().UtcDateTime, subject ?? Person.ToString(), key, issuer, audience, algorithm, signed, expires,
            notBefore?.UtcDateTime);
}
