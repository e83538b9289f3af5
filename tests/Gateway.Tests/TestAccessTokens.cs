using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TrustedOss.Credentials;

namespace TrustedOss.Gateway.Tests;

/// <summary>Access tokens shaped as the Keys service issues them at <paramref name="now"/>, or with one part changed.</summary>
internal static class TestAccessTokens
{
    public static string Issue(JwtOptions jwt, DateTime now, string subject, string? signingKey = null, string? issuer = null,
        string? audience = null, string algorithm = SecurityAlgorithms.HmacSha256, bool signed = true, bool expires = true, DateTime? notBefore = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? jwt.Issuer,
            Audience = audience ?? jwt.Audience,
            IssuedAt = now,
            NotBefore = notBefore ?? now,
            Expires = expires ? now.Add(jwt.AccessTokenLifetime) : null,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
            SigningCredentials = signed
                ? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? jwt.SigningKey)), algorithm)
                : null,
        });
}
