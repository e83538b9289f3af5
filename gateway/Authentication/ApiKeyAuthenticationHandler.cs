using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using TrustedOss.Credentials.ApiKeys;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// <c>Authorization: Bearer tos_…</c> (scheme case-insensitive). Tokens that do not start with
/// <c>tos_</c> are left to the JWT handler. Every failure ends in the one 401 of the contract.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken.From(Request);
        if (token is null || !ApiKeyFormat.LooksLikeKey(token))
        {
            return AuthenticateResult.NoResult();
        }

        var verdict = await verifier.VerifyAsync(token, Context.Connection.RemoteIpAddress, Context.RequestAborted);
        var key = verdict.Key;
        switch (verdict.Outcome)
        {
            case ApiKeyVerifier.Outcome.Accepted:
                var caller = new CallerIdentity(CallerIdentity.ApiKey, key!.IssuerUserId, key.Id, key.Scope, key.TeamId, key.ProjectId,
                    key.PermissionBreadth, Context.Connection.RemoteIpAddress?.ToString());
                GatewayCaller.Set(Context, caller);
                var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("key_id", key.Id.ToString())], SchemeName));
                return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
            case ApiKeyVerifier.Outcome.Unavailable:
                GatewayCaller.MarkOutage(Context);
                return AuthenticateResult.Fail("The key could not be checked right now.");
            case ApiKeyVerifier.Outcome.Throttled:
                GatewayCaller.MarkThrottled(Context, verdict.RetryAfterSeconds);
                return AuthenticateResult.Fail("Too many failed key checks from this address.");
            default:
                return AuthenticateResult.Fail("Invalid API key.");
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Challenge.WriteAsync(Context);
}
