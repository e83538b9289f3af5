namespace TrustedOss.Web.Components.Webhooks;

/// <summary>
/// Where GitHub and GitLab post deliveries: at the address the browser reached this page (the
/// gateway's public one), never the one the page's server uses to call the gateway, which may be an
/// internal host name no provider can reach.
/// </summary>
internal static class WebhookUrls
{
    public static string BaseOf(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    public static string For(string baseUrl, string provider) => $"{baseUrl}/v1/webhooks/{provider}";

    public static string For(HttpRequest request, string provider) => For(BaseOf(request), provider);
}
