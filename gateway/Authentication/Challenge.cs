using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Gateway.Authentication;

/// <summary>What an unauthenticated request gets: the contract's one 401; a 503 when a credential
/// could not be checked because Redis or the Keys service is down; a 429 when the client's address
/// keeps presenting bad keys (retrying later helps in both).</summary>
internal static class Challenge
{
    public static Task WriteAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        var problem = GatewayCaller.ThrottledFor(context) is { } retryAfter
            ? ApiProblems.TooManyRequests($"Too many failed API key checks from this address. Retry after {retryAfter} seconds.", retryAfter)
            : GatewayCaller.HadOutage(context)
                ? ApiProblems.ServiceUnavailable("Credentials cannot be checked right now. Retry after the indicated delay.")
                : ApiProblems.Unauthorized();
        return problem.ExecuteAsync(context);
    }
}
