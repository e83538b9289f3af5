using Microsoft.AspNetCore.Authorization;
using TrustedOss.Keys.Data;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Directory;

/// <summary>The Keys service's policies about people, on top of the shared <see cref="CallerPolicies"/>.</summary>
internal static class DirectoryPolicies
{
    /// <summary>A person whose account is active now, whatever their token says; the <see cref="CurrentUser"/> is loaded for the handler.</summary>
    public const string ActiveUser = "active-user";

    /// <summary>An active super admin.</summary>
    public const string SuperAdmin = "super-admin";

    public static void Add(AuthorizationBuilder authorization) => authorization
        .AddPolicy(ActiveUser, policy => policy.RequireAuthenticatedUser().AddRequirements(new ActiveUserRequirement()))
        .AddPolicy(SuperAdmin, policy => policy.RequireAuthenticatedUser().AddRequirements(new ActiveUserRequirement(), new SuperAdminRequirement()));
}

/// <summary>A deactivated or removed person's credential is no good: 401.</summary>
internal sealed class ActiveUserRequirement : IAuthorizationRequirement;

internal sealed class SuperAdminRequirement : IAuthorizationRequirement, IRefusal
{
    public ApiProblem Refusal => ApiProblems.Forbidden("Only super admins manage the directory.");
}

/// <summary>
/// Finds the caller as they are now (<see cref="DirectoryStore.CurrentAsync(Guid, CancellationToken)"/>: a replica's copy
/// is dropped on every replica when a change is announced), so a deactivation or a changed membership takes effect at once.
/// </summary>
internal sealed class DirectoryPolicyHandler(DirectoryStore directory) : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (context.Resource is not HttpContext http)
        {
            return;
        }

        var user = http.Features.Get<CurrentUser>();
        if (user is null && http.Features.Get<CallerIdentity>() is { IsUser: true, UserId: { } userId })
        {
            user = await directory.CurrentAsync(userId, http.RequestAborted);
            http.Features.Set(user);
        }

        foreach (var requirement in context.PendingRequirements.ToList())
        {
            var met = requirement switch
            {
                ActiveUserRequirement => user is not null,
                SuperAdminRequirement => user?.IsSuperuser == true,
                _ => (bool?)null,
            };
            if (met == true)
            {
                context.Succeed(requirement);
            }
        }
    }
}
