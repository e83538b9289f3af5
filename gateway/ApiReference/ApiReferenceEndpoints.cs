using Scalar.AspNetCore;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Gateway.ApiReference;

/// <summary>
/// The public API reference: <c>/openapi/v1.json</c>, merged from the services' own documents
/// (<see cref="MergedApiDocument"/>), and a browsable reference at <c>/docs</c>.
/// </summary>
internal static class ApiReferenceEndpoints
{
    public static void AddApiReference(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(MergedApiDocument.DocumentsClient);
        builder.Services.AddSingleton<MergedApiDocument>();
    }

    public static void MapApiReference(this WebApplication app)
    {
        app.MapGet(MergedApiDocument.DocumentPath, async (MergedApiDocument document, CancellationToken cancellationToken) =>
                Results.Text(await document.GetAsync(cancellationToken), "application/json"))
            .ExcludeFromDescription();
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("TrustedOSS Integrations API")
            .WithOpenApiRoutePattern(ApiDocument.Route));
    }
}
