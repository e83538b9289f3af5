using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// Answers refused requests in the contract's words: no or a bad credential is the one 401, and so
/// is a caller of the wrong kind (it cannot tell the endpoint exists); a caller who is who it must
/// be but may not do this gets its requirement's own answer (<see cref="IRefusal"/>, a 403).
/// </summary>
internal sealed class RefusalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            return fallback.HandleAsync(next, context, policy, authorizeResult);
        }

        // A failed requirement without its own answer (the caller is not who it must be) wins: 401.
        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
        var refusal = authorizeResult.Forbidden && failed.Count > 0 && failed.All(r => r is IRefusal)
            ? ((IRefusal)failed[0]).Refusal
            : ApiProblems.Unauthorized();
        return refusal.ExecuteAsync(context);
    }
}
