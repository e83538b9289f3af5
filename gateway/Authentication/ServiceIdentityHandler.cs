using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Authentication;

/// <summary>The gateway's own calls to services (key lookups) carry its signed service identity.</summary>
internal sealed class ServiceIdentityHandler(IdentityAssertion assertion) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(IdentityAssertion.HeaderName);
        request.Headers.Add(IdentityAssertion.HeaderName, assertion.Sign(new CallerIdentity(CallerIdentity.Service, UserId: null)));
        return base.SendAsync(request, cancellationToken);
    }
}
