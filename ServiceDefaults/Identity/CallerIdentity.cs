using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// Who is calling, as verified by the gateway: a person (JWT), an API key (with the issuing user),
/// or another service. Services trust it only from a forwarded identity that verifies; a handler
/// takes it as a parameter, bound from what <see cref="ForwardedIdentityHandler"/> authenticated.
/// </summary>
public sealed record CallerIdentity(
    string Kind,
    Guid? UserId,
    Guid? ApiKeyId = null,
    string? Scope = null,
    Guid? TeamId = null,
    Guid? ProjectId = null,
    string? PermissionBreadth = null,
    string? ClientIp = null)
{
    public const string User = "user";
    public const string ApiKey = "api_key";
    public const string Service = "service";

    public bool IsUser => Kind == User;

    public bool IsApiKey => Kind == ApiKey;

    public bool IsReadOnlyKey => IsApiKey && PermissionBreadth == "read_only";

    /// <summary>Minimal-API binding: the authenticated caller of this request (endpoints require one by default).</summary>
    public static ValueTask<CallerIdentity?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Features.Get<CallerIdentity>());
}
