using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TrustedOss.Credentials;
using TrustedOss.Keys.Directory;

namespace TrustedOss.Keys.Auth;

/// <summary>Mints the 30-minute access tokens people use; the gateway validates them.</summary>
internal sealed class AccessTokenIssuer(IOptions<JwtOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler handler = new();

    public (string Token, int ExpiresInSeconds) Issue(UserRow user)
    {
        var jwt = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(jwt.AccessTokenLifetime),
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id.ToString()),
                new Claim(JwtRegisteredClaimNames.Email, user.Email),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(jwt.SecurityKey(), SecurityAlgorithms.HmacSha256),
        });
        return (token, (int)jwt.AccessTokenLifetime.TotalSeconds);
    }
}
