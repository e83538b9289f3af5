using Microsoft.AspNetCore.Http.HttpResults;
using TrustedOss.Scans.Data;

namespace TrustedOss.Scans;

internal static class ScansApi
{
    public static IEndpointRouteBuilder MapScansApi(this IEndpointRouteBuilder app)
    {
        var scans = app.MapGroup("/v1/scans");
        scans.MapGet("/{scanId:guid}", GetScanAsync);
        return app;
    }

    private static async Task<Results<Ok<Scan>, ProblemHttpResult>> GetScanAsync(Guid scanId, ScanStore store, CancellationToken cancellationToken)
    {
        var scan = await store.FindAsync(scanId, cancellationToken);
        return scan is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Scan Not Found", detail: $"No scan {scanId} is visible to you.")
            : TypedResults.Ok(scan);
    }
}
