using Yarp.ReverseProxy.Configuration;

namespace TrustedOss.Gateway.Authentication;

/// <summary>
/// Refuses a proxy configuration with a route that does not name its credential, or that names an
/// ASP.NET Core authorization policy instead (the gateway checks credentials itself, in
/// <see cref="CredentialGate"/>): the gateway does not start with a route it would leave open.
/// </summary>
internal sealed class RouteCredentialCheck : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        if (route.AuthorizationPolicy is not null)
        {
            throw new InvalidOperationException(
                $"Route '{route.RouteId}' names an authorization policy; the gateway checks credentials itself: name the route's credential in Metadata:{RouteCredentials.MetadataKey}.");
        }

        if (RouteCredentials.Of(route) == RouteCredential.Unknown)
        {
            throw new InvalidOperationException(
                $"Route '{route.RouteId}' must name the credential it takes in Metadata:{RouteCredentials.MetadataKey}: none, people, ci or api-key.");
        }

        return ValueTask.FromResult(route);
    }
}
