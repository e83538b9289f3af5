using TrustedOss.Gateway.Authentication;
using TrustedOss.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace TrustedOss.Gateway.Identity;

/// <summary>
/// A client never speaks for itself to a service: any identity header it sent is removed, and the
/// caller the gateway verified (if any) is added, signed and bound to the route's service and this
/// request. The credential itself (API key or token) stays at the gateway: services have no use
/// for it, and it should not be in their reach.
/// </summary>
internal static class IdentityForwarding
{
    public static void Apply(TransformBuilderContext builder)
    {
        // The cluster is the service the route leads to: the audience its identities are bound to.
        var audience = builder.Route.ClusterId ?? "";
        builder.AddRequestTransform(context =>
        {
            context.ProxyRequest.Headers.Remove(ForwardedIdentity.HeaderName);
            context.ProxyRequest.Headers.Authorization = null;
            if (GatewayCaller.Get(context.HttpContext) is { } caller)
            {
                var http = context.HttpContext;
                var binding = new IdentityBinding(audience, http.Request.Method, context.Path.Value ?? "", http.TraceIdentifier);
                var signer = http.RequestServices.GetRequiredService<IdentitySigner>();
                context.ProxyRequest.Headers.Add(ForwardedIdentity.HeaderName, signer.Sign(caller, binding));
            }

            return ValueTask.CompletedTask;
        });
    }
}
