using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Identity;

/// <summary>
/// The gateway's own calls to the Keys service (key lookups) carry its signed service identity,
/// bound to that one call like any forwarded identity.
/// </summary>
internal sealed class ServiceIdentityHandler(IdentitySigner signer) : DelegatingHandler
{
    public const string Audience = "keys";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestId = RequestIdMiddleware.NewId();
        var binding = new IdentityBinding(Audience, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", requestId);
        request.Headers.Remove(ForwardedIdentity.HeaderName);
        request.Headers.Remove(RequestIdMiddleware.ServerHeaderName);
        request.Headers.Add(ForwardedIdentity.HeaderName, signer.Sign(new CallerIdentity(CallerIdentity.Service, UserId: null), binding));
        request.Headers.Add(RequestIdMiddleware.ServerHeaderName, requestId);
        return base.SendAsync(request, cancellationToken);
    }
}
