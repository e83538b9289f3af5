using System.Globalization;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Authentication;

/// <summary>What an unauthenticated request gets: the contract's one 401; a 503 when a credential
/// could not be checked because Redis or the Keys service is down; a 429 when the client's address
/// keeps presenting bad keys (retrying later helps in both).</summary>
internal static class Challenge
{
    public const int OutageRetryAfterSeconds = 5;

    public static async Task WriteAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        if (GatewayCaller.ThrottledFor(context) is { } retryAfter)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests",
                detail: $"Too many failed API key checks from this address. Retry after {retryAfter} seconds.").ExecuteAsync(context);
            return;
        }

        if (GatewayCaller.HadOutage(context))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = OutageRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                detail: "Credentials cannot be checked right now. Retry after the indicated delay.").ExecuteAsync(context);
            return;
        }

        await AuthenticationRequired.WriteAsync(context);
    }
}
