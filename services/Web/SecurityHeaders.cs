using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Net.Http.Headers;

namespace TrustedOss.Web;

/// <summary>
/// Every page forbids what it does not use: no script but this site's own, no styles or fonts from
/// elsewhere (there is no CDN), no framing, forms post only here, and no page is cached.
/// </summary>
internal static class SecurityHeaders
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    /// <summary>
    /// The browser's scheme, from the gateway's X-Forwarded-Proto (which the gateway always sets,
    /// from a trusted balancer's or its own): the session cookie is Secure whenever the browser
    /// used https. Only the scheme is read; the browser's address comes another way (docs/web.md).
    /// </summary>
    public static IApplicationBuilder UseGatewayScheme(this IApplicationBuilder app)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto };
        // Reached only through the gateway, so whatever sent the request is the gateway.
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        return app.UseForwardedHeaders(forwarded);
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), clipboard-write=(self)";
            // A page may hold a key or a secret shown once: neither the browser's cache nor its Back
            // button may show it again. Static files keep the caching their own middleware sets.
            context.Response.OnStarting(() =>
            {
                if (!headers.ContainsKey(HeaderNames.CacheControl))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
}
