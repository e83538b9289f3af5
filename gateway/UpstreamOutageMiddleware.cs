using TrustedOss.ServiceDefaults.Http;
using Yarp.ReverseProxy.Forwarder;

namespace TrustedOss.Gateway;

/// <summary>
/// When a service cannot be reached, the client gets the contract's 503 problem with
/// <c>Retry-After</c> instead of YARP's bare 502: the outage is ours and retrying later helps. A
/// body over the route's limit is the client's 413, a body that cannot be read its 400 (or 408); a
/// client that went away gets nothing.
/// </summary>
internal sealed class UpstreamOutageMiddleware(RequestDelegate next, ILogger<UpstreamOutageMiddleware> logger)
{
    private static bool TooLarge(Exception? exception) => exception switch
    {
        null => false,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        _ => TooLarge(exception.InnerException),
    };

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }

        if (TooLarge(error.Exception))
        {
            // The client's body passed the route's limit while it was being forwarded: the client's mistake, not an outage.
            await ApiProblems.PayloadTooLarge("The request body is larger than this route accepts.").ExecuteAsync(context);
            return;
        }

        if (error.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return;
        }

        if (error.Error is ForwarderError.RequestBodyClient)
        {
            // The client's body could not be read (a broken chunked encoding, a body sent too
            // slowly): its mistake, with the status YARP gave it (400 or 408), not an outage.
            var status = context.Response.StatusCode is >= 400 and < 500 ? context.Response.StatusCode : StatusCodes.Status400BadRequest;
            await ApiProblems.ClientError(status, "The request body could not be read as it was sent.").ExecuteAsync(context);
            return;
        }

        logger.LogWarning(error.Exception, "Upstream {Error} for {Path}", error.Error, context.Request.Path);
        await ApiProblems.ServiceUnavailable("A service behind the gateway is not reachable right now. Retry after the indicated delay.")
            .ExecuteAsync(context);
    }
}
