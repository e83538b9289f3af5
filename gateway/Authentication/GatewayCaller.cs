using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Authentication;

/// <summary>The verified caller of the current request (<see cref="CredentialGate"/> notes it), as the gateway forwards it to the services.</summary>
internal static class GatewayCaller
{
    private static readonly object CallerKey = new();

    public static void Set(HttpContext context, CallerIdentity caller) => context.Items[CallerKey] = caller;

    /// <summary>The caller whose API key or access token was verified; null on a route that takes no credential.</summary>
    public static CallerIdentity? Get(HttpContext context) => context.Items[CallerKey] as CallerIdentity;
}
