using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TrustedOss.Credentials;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// Validates a person's access token (the Keys service issues it: HS256 with the shared signing
/// key, its issuer and audience, an expiry) and names the person it was issued to.
/// </summary>
internal sealed class AccessTokenValidator
{
    /// <summary>How far apart the issuer's clock and ours may be.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler handler = new();
    private readonly TokenValidationParameters parameters;

    public AccessTokenValidator(IOptions<JwtOptions> options, TimeProvider time)
    {
        var jwt = options.Value;
        parameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            IssuerSigningKey = jwt.SecurityKey(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            // The library's own lifetime check reads the system clock; this one reads ours, and a
            // token must carry an expiry.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } until && now < until + ClockSkew && (notBefore is not { } from || from - ClockSkew <= now);
            },
        };
    }

    /// <summary>The id of the person <paramref name="token"/> was issued to; null when it is not a valid access token.</summary>
    public async Task<Guid?> PersonAsync(string token)
    {
        // A malformed token is an invalid result, not an exception.
        var result = await handler.ValidateTokenAsync(token, parameters);
        return result.IsValid && result.SecurityToken is JsonWebToken valid && Guid.TryParse(valid.Subject, out var personId)
            ? personId
            : null;
    }
}
