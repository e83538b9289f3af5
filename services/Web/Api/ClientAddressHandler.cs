using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Web.Api;

/// <summary>
/// Hands the gateway's word for the browser's address (<see cref="ClientAddressAttestation"/>) back
/// on each API call made for the browser's request, so the API's per-address limits count the
/// person's browser rather than this server.
/// </summary>
internal sealed class ClientAddressHandler(IHttpContextAccessor http) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (http.HttpContext?.Request.Headers[ClientAddressAttestation.HeaderName].ToString() is { Length: > 0 } attestation)
        {
            request.Headers.TryAddWithoutValidation(ClientAddressAttestation.HeaderName, attestation);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
