using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Every error leaves as <c>application/problem+json</c> with <c>instance</c> set to the request
/// path and a <c>request_id</c> extension (CONTRACT §0).
/// </summary>
public static class ProblemDetailsExtensions
{
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            // A bare status code (no route for this path or method, a route value of the wrong
            // form) still says what it means.
            context.ProblemDetails.Detail ??= StatusDetail(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
            context.ProblemDetails.Extensions.Remove("traceId");
            context.ProblemDetails.Extensions["request_id"] = context.HttpContext.TraceIdentifier;
        });
        // After the default writer, which declines a client that accepts no JSON.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonForEveryClient>();
        services.AddExceptionHandler<ClientErrorExceptionHandler>();
        return services;
    }

    private static string StatusDetail(int status) => status switch
    {
        StatusCodes.Status404NotFound => "Nothing is found at this address. Check the path and any id in it.",
        StatusCodes.Status405MethodNotAllowed => "This address does not accept this method.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON (Content-Type: application/json).",
        _ => $"The request was answered {status}.",
    };

    /// <summary>Answers exceptions of a library's own client (see <see cref="ExceptionAnswer"/>).</summary>
    public static IServiceCollection AddExceptionAnswer(this IServiceCollection services, Func<Exception, ApiProblem?> answer) =>
        services.AddSingleton(new ExceptionAnswer(answer));

    /// <summary>
    /// Request ids first (<paramref name="atEdge"/>: this process mints the server's id rather than
    /// taking the gateway's), then errors as problem+json for exceptions and bare status codes.
    /// </summary>
    public static WebApplication UseApiDefaults(this WebApplication app, bool atEdge = false)
    {
        app.UseMiddleware<RequestIdMiddleware>(atEdge);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
