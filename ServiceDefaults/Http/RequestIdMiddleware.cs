using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Every response carries <c>X-Request-ID</c>: the client's own when it is sane, else a new one.
/// The id becomes the request's <see cref="HttpContext.TraceIdentifier"/> (so logs and problem
/// bodies carry it) and a tag on the current trace span (so the trace can be found by it).
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-ID";
    public const string ActivityTag = "http.request_id";
    private const int MaxLength = 128;

    public Task InvokeAsync(HttpContext context)
    {
        var requestId = context.Request.Headers[HeaderName].Count == 1 && IsSane(context.Request.Headers[HeaderName][0])
            ? context.Request.Headers[HeaderName][0]!
            : Guid.NewGuid().ToString("N");

        context.TraceIdentifier = requestId;
        // Services behind the gateway see the gateway's id, so one id follows the request everywhere.
        context.Request.Headers[HeaderName] = requestId;
        Activity.Current?.SetTag(ActivityTag, requestId);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = requestId;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>Printable token characters only, so the id can never split a header or a log line.</summary>
    public static bool IsSane(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= MaxLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
