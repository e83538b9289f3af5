using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>The caller must be of <paramref name="Kind"/>; others get <paramref name="RefusalDetail"/> as a 403, or the 401 when null.</summary>
public sealed record CallerKindRequirement(string Kind, string? RefusalDetail) : IAuthorizationRequirement, IRefusal
{
    public ApiProblem Refusal => RefusalDetail is null ? ApiProblems.Unauthorized() : ApiProblems.Forbidden(RefusalDetail);
}

internal sealed class CallerKindHandler : AuthorizationHandler<CallerKindRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerKindRequirement requirement)
    {
        if (context.Resource is HttpContext http && http.Features.Get<CallerIdentity>()?.Kind == requirement.Kind)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>A requirement that says how a caller who fails it is answered (default: the contract's 401).</summary>
public interface IRefusal
{
    ApiProblem Refusal { get; }
}
