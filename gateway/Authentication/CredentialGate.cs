using TrustedOss.Credentials.ApiKeys;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Model;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// The first step of every proxied request: checks the credential its route takes
/// (<see cref="RouteCredential"/>) and notes the verified caller for the forwarded identity, or
/// answers. One direct check rather than ASP.NET Core's authentication and authorization: a keyed
/// request is the hot path, and the framework's schemes, policy and principal cost it a tenth of
/// the gateway's throughput (docs/benchmarks.md). The answers: the contract's one 401 for a missing,
/// unknown, wrong, revoked or expired credential, or one of a kind the route does not take (an API
/// key on a people route); 503 when a key cannot be checked because Redis or the Keys service is
/// down; 429 when the client's address keeps presenting bad keys (retrying later helps in both).
/// </summary>
internal sealed class CredentialGate(RequestDelegate next, ApiKeyVerifier keys, AccessTokenValidator accessTokens)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var credential = RouteCredentials.Of(context.GetReverseProxyFeature().Route.Config);
        if (credential == RouteCredential.None)
        {
            await next(context);
            return;
        }

        var refusal = BearerToken.From(context.Request) is { } token
            ? ApiKeyFormat.LooksLikeKey(token)
                ? credential.TakesApiKeys() ? await CheckKeyAsync(context, token) : ApiProblems.Unauthorized()
                : credential.TakesAccessTokens() ? await CheckAccessTokenAsync(context, token) : ApiProblems.Unauthorized()
            : ApiProblems.Unauthorized();
        if (refusal is null)
        {
            await next(context);
            return;
        }

        await refusal.ExecuteAsync(context);
    }

    /// <summary>Null when the key is accepted (its caller noted), else the answer.</summary>
    private async Task<IResult?> CheckKeyAsync(HttpContext context, string presented)
    {
        var client = context.Connection.RemoteIpAddress;
        var verdict = await keys.VerifyAsync(presented, client, context.RequestAborted);
        switch (verdict.Outcome)
        {
            case ApiKeyVerifier.Outcome.Accepted:
                var key = verdict.Key!;
                GatewayCaller.Set(context, new CallerIdentity(CallerIdentity.ApiKey, key.IssuerUserId, key.Id, key.Scope, key.TeamId,
                    key.ProjectId, key.PermissionBreadth, client?.ToString()));
                return null;
            case ApiKeyVerifier.Outcome.Throttled:
                return ApiProblems.TooManyRequests(
                    $"Too many failed API key checks from this address. Retry after {verdict.RetryAfterSeconds} seconds.", verdict.RetryAfterSeconds);
            case ApiKeyVerifier.Outcome.Unavailable:
                return ApiProblems.ServiceUnavailable("Credentials cannot be checked right now. Retry after the indicated delay.");
            default:
                return ApiProblems.Unauthorized();
        }
    }

    /// <summary>Null when the token is a person's valid access token (their caller noted), else the 401.</summary>
    private async Task<IResult?> CheckAccessTokenAsync(HttpContext context, string token)
    {
        if (await accessTokens.PersonAsync(token) is not { } personId)
        {
            return ApiProblems.Unauthorized();
        }

        GatewayCaller.Set(context, new CallerIdentity(CallerIdentity.User, personId, ClientIp: context.Connection.RemoteIpAddress?.ToString()));
        return null;
    }
}
