using TrustedOss.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace TrustedOss.Gateway.Identity;

/// <summary>
/// Browsers' addresses across the web page (<see cref="ClientAddressAttestation"/>): requests to the
/// page carry the gateway's word for the browser's address, and the page's API calls hand it back.
/// </summary>
internal static class ClientAddressForwarding
{
    /// <summary>
    /// Early in the pipeline, before anything reads the client's address: a fresh attestation of the
    /// gateway's own makes its address the caller's. Any such header is removed either way, so none
    /// reaches a service.
    /// </summary>
    public static void UseAttestedClientAddress(this WebApplication app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Headers.Remove(ClientAddressAttestation.HeaderName, out var value)
                && context.RequestServices.GetRequiredService<IdentitySigner>().AttestedClientAddress(value) is { } address)
            {
                context.Connection.RemoteIpAddress = address;
            }

            return next(context);
        });

    /// <summary>Requests to the web page carry the attestation of their client's address.</summary>
    public static void Apply(TransformBuilderContext builder)
    {
        if (builder.Route.ClusterId != IdentitySigner.WebAudience)
        {
            return;
        }

        builder.AddRequestTransform(context =>
        {
            if (context.HttpContext.Connection.RemoteIpAddress is { } address)
            {
                var signer = context.HttpContext.RequestServices.GetRequiredService<IdentitySigner>();
                context.ProxyRequest.Headers.Add(ClientAddressAttestation.HeaderName, signer.AttestClientAddress(address));
            }

            return ValueTask.CompletedTask;
        });
    }
}
