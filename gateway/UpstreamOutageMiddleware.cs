using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Forwarder;

namespace TrustedOss.Gateway;

/// <summary>
/// When a service cannot be reached, the client gets the contract's 503 problem with
/// <c>Retry-After</c> instead of YARP's bare 502: the outage is ours and retrying later helps.
/// </summary>
internal sealed class UpstreamOutageMiddleware(RequestDelegate next, IProblemDetailsService problems, ILogger<UpstreamOutageMiddleware> logger)
{
    private const int RetryAfterSeconds = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }

        logger.LogWarning(error.Exception, "Upstream {Error} for {Path}", error.Error, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = "A service behind the gateway is not reachable right now. Retry after the indicated delay.",
            },
        });
    }
}
