using Microsoft.AspNetCore.Authorization;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// Named policies for route groups. Every endpoint needs a verified caller unless it says
/// <c>AllowAnonymous</c> (the fallback policy), so a forgotten policy fails closed.
/// </summary>
public static class CallerPolicies
{
    /// <summary>Anyone the gateway verified: a person, an API key or a service.</summary>
    public const string Caller = "caller";

    /// <summary>People only (JWT); an API key gets the same 401 as no credential.</summary>
    public const string Person = "person";

    /// <summary>Our own services only (the gateway's key lookups).</summary>
    public const string Service = "service";

    internal static void Add(AuthorizationBuilder authorization) => authorization
        .AddPolicy(Caller, policy => policy.RequireAuthenticatedUser())
        .AddPolicy(Person, policy => policy.RequireAuthenticatedUser().AddRequirements(new CallerKindRequirement(CallerIdentity.User, null)))
        .AddPolicy(Service, policy => policy.RequireAuthenticatedUser()
            .AddRequirements(new CallerKindRequirement(CallerIdentity.Service, "Only our own services may call this.")))
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
}
