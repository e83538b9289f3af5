using System.Net;
using Microsoft.AspNetCore.Authentication;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
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
        HttpStatusCode status;
        try
        {
            (sbom, status) = await api.SbomAsync(await http.AccessTokenAsync(), scanId, http.RequestAborted);
        }
        catch (SessionEndedException)
        {
            await http.SignOutAsync();
            return TypedResults.LocalRedirect("/login?session_ended=1");
        }
        catch (Exception ex) when (DependencyOutage.Is(ex) && !http.RequestAborted.IsCancellationRequested)
        {
            status = HttpStatusCode.ServiceUnavailable;
            sbom = null;
        }

        if (sbom is null)
        {
            // A link the person followed: the answer says, in words, why there is no file. Anything
            // but "not there" and "not yours" is this system's trouble: 503, to be retried.
            if (status is not (HttpStatusCode.NotFound or HttpStatusCode.Forbidden))
            {
                status = HttpStatusCode.ServiceUnavailable;
                http.Response.Headers.RetryAfter = ApiProblems.OutageRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return TypedResults.Text(Refusal(status), "text/plain; charset=utf-8", statusCode: (int)status);
        }

        http.Response.RegisterForDispose(sbom);
        var contentType = sbom.Content.Headers.ContentType?.ToString() ?? "application/vnd.cyclonedx+json";
        return TypedResults.Stream(await sbom.Content.ReadAsStreamAsync(http.RequestAborted), contentType, $"sbom-{scanId}.cdx.json");
    }

    private static string Refusal(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "There is no SBOM for this scan: it has not succeeded (yet), or it is not one you may read.",
        HttpStatusCode.Forbidden => "You may not read this scan's SBOM.",
        _ => "Part of the system is not answering right now. Try again in a moment.",
    };
}
