using Microsoft.AspNetCore.Authentication;
using TrustedOss.Web.Api;
using TrustedOss.Web.Session;

namespace TrustedOss.Web.Components.Scans;

/// <summary>
/// <c>GET /integrations/scans/{id}/sbom</c>: a scan's SBOM as a file, fetched with the person's token
/// (which never reaches the browser) and streamed through, never held whole.
/// </summary>
internal static class SbomDownload
{
    public static IEndpointRouteBuilder MapSbomDownload(this IEndpointRouteBuilder app)
    {
        app.MapGet("/integrations/scans/{scanId:guid}/sbom", DownloadAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> DownloadAsync(Guid scanId, HttpContext http, GatewayApi api)
    {
        HttpResponseMessage? sbom;
        try
        {
            sbom = await api.SbomAsync(await http.AccessTokenAsync(), scanId, http.RequestAborted);
        }
        catch (SessionEndedException)
        {
            await http.SignOutAsync();
            return TypedResults.LocalRedirect("/login?session_ended=1");
        }

        if (sbom is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.RegisterForDispose(sbom);
        var contentType = sbom.Content.Headers.ContentType?.ToString() ?? "application/vnd.cyclonedx+json";
        return TypedResults.Stream(await sbom.Content.ReadAsStreamAsync(http.RequestAborted), contentType, $"sbom-{scanId}.cdx.json");
    }
}
