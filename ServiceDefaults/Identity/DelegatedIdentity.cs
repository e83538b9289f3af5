using Microsoft.AspNetCore.Builder;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// Marks an internal endpoint that answers another service on its caller's behalf (Keys telling
/// Scans what the caller may do with a project): it accepts the caller's identity as the gateway
/// bound it to the first service's request. Only read-only questions about the caller's own rights
/// belong here; every other endpoint takes only identities bound to itself.
/// </summary>
public sealed class DelegatedIdentityMetadata
{
    public static DelegatedIdentityMetadata Instance { get; } = new();
}

public static class DelegatedIdentityExtensions
{
    public static TBuilder AcceptsDelegatedIdentity<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(DelegatedIdentityMetadata.Instance);
}
