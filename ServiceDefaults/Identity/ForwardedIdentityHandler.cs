using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The services' one authentication scheme: the caller is whoever the gateway's signed
/// <see cref="ForwardedIdentity.HeaderName"/> says, for this service and this request. No header:
/// anonymous. A header that does not verify, or that was bound to another service or request, can
/// only come from someone bypassing the gateway or replaying what they saw, and fails.
/// </summary>
public sealed class ForwardedIdentityHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IdentityVerifier verifier,
    IOptions<IdentityOptions> identity)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Gateway";
    public const string KindClaim = "kind";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[ForwardedIdentity.HeaderName];
        if (header.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (header.Count != 1 || verifier.Verify(header[0]) is not { } verified)
        {
            return Task.FromResult(AuthenticateResult.Fail("The forwarded identity does not verify."));
        }

        if (!BoundHere(verified.Binding))
        {
            return Task.FromResult(AuthenticateResult.Fail("The forwarded identity was issued for another service or request."));
        }

        var caller = verified.Caller;
        Context.Features.Set(caller);
        var claims = new List<Claim> { new(KindClaim, caller.Kind) };
        if (caller.UserId is { } userId)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, userId.ToString()));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    private bool BoundHere(IdentityBinding binding) =>
        Context.GetEndpoint()?.Metadata.GetMetadata<DelegatedIdentityMetadata>() is not null
        || binding.Matches(identity.Value.Audience, Request.Method, Request.Path.Value ?? "", Context.TraceIdentifier);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => AuthenticationRequired.WriteAsync(Context);
}
