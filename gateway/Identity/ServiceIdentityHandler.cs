using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Identity;

/// <summary>The gateway's own calls to services (key lookups) carry its signed service identity.</summary>
internal sealed class ServiceIdentityHandler(IdentitySigner signer) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(ForwardedIdentity.HeaderName);
        request.Headers.Add(ForwardedIdentity.HeaderName, signer.Sign(new CallerIdentity(CallerIdentity.Service, UserId: null)));
        return base.SendAsync(request, cancellationToken);
    }
}
