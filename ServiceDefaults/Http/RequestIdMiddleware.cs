using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Two request ids. The server's own (<see cref="ServerHeaderName"/>) is minted by the gateway for
/// every request and passed to the services it calls: it is the request's
/// <see cref="HttpContext.TraceIdentifier"/>, so logs, problem bodies, audit rows and the signed
/// identity's binding all carry an id no client chose. The client's own <see cref="HeaderName"/>,
/// when sane, is kept beside it (audit rows keep it as <c>client_request_id</c>) and echoed, as
/// the contract promises; without one, <see cref="HeaderName"/> carries the server's id.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, bool atEdge)
{
    public const string HeaderName = "X-Request-ID";
    public const string ServerHeaderName = "X-Server-Request-ID";
    public const string ActivityTag = "http.request_id";
    public const string ClientActivityTag = "http.client_request_id";
    private const int MaxLength = 128;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        // At the edge any server id a client sent is ignored; behind it, the gateway's is taken.
        var serverId = !atEdge && Single(headers, ServerHeaderName) is { } forwarded ? forwarded : NewId();
        var clientId = ClientRequestId(context);

        context.TraceIdentifier = serverId;
        headers[ServerHeaderName] = serverId;
        Activity.Current?.SetTag(ActivityTag, serverId);
        if (clientId is not null)
        {
            Activity.Current?.SetTag(ClientActivityTag, clientId);
        }
        else
        {
            headers.Remove(HeaderName);
        }

        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = clientId ?? serverId;
            context.Response.Headers[ServerHeaderName] = serverId;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>The id the client sent with the request, when it is sane; never the server's own.</summary>
    public static string? ClientRequestId(HttpContext context) => Single(context.Request.Headers, HeaderName);

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Printable token characters only, so the id can never split a header or a log line.</summary>
    public static bool IsSane(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= MaxLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    private static string? Single(IHeaderDictionary headers, string name) =>
        headers[name] is [var value] && IsSane(value) ? value : null;
}
