namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// What a forwarded identity is good for: one request (its server-side request id, method and path)
/// to one service (<see cref="Audience"/>, the gateway's cluster name). A service refuses an
/// identity bound to another service or another request, so one that leaks from a compromised
/// service cannot be replayed elsewhere.
/// </summary>
public sealed record IdentityBinding(string Audience, string Method, string Path, string RequestId)
{
    public bool Matches(string audience, string method, string path, string requestId) =>
        Audience == audience
        && string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)
        && Path == path
        && RequestId == requestId;
}

/// <summary>A forwarded identity whose signature verified and that has not expired.</summary>
public sealed record VerifiedIdentity(CallerIdentity Caller, IdentityBinding Binding);
