using System.Globalization;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Gateway.Authentication;

/// <summary>What an unauthenticated request gets: the contract's one 401, or a 503 when a credential
/// could not be checked because Redis or the Keys service is down (retrying later helps).</summary>
internal static class Challenge
{
    public const int OutageRetryAfterSeconds = 5;

    public static async Task WriteAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
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
