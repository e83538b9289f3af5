using TrustedOss.ServiceDefaults.Http;
using Yarp.ReverseProxy.Forwarder;

namespace TrustedOss.Gateway;

/// <summary>
/// When a service cannot be reached, the client gets the contract's 503 problem with
/// <c>Retry-After</c> instead of YARP's bare 502: the outage is ours and retrying later helps.
/// </summary>
internal sealed class UpstreamOutageMiddleware(RequestDelegate next, ILogger<UpstreamOutageMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }

        logger.LogWarning(error.Exception, "Upstream {Error} for {Path}", error.Error, context.Request.Path);
        await ApiProblems.ServiceUnavailable("A service behind the gateway is not reachable right now. Retry after the indicated delay.")
            .ExecuteAsync(context);
    }
}
