using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TrustedOss.ServiceDefaults.Identity;

/// <summary>
/// The one 401 of the contract for every credential problem: the same bytes whatever went wrong
/// (no header, malformed, unknown prefix, wrong secret, revoked, expired), so a client cannot tell
/// which keys exist. It carries no request id: that is in the X-Request-ID header.
/// </summary>
public static class AuthenticationRequired
{
    public const string Title = "Authentication required";
    public const string Detail = "A valid credential is required: Authorization: Bearer <API key or access token>.";

    public static byte[] Body(string path) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        ["title"] = Title,
        ["status"] = StatusCodes.Status401Unauthorized,
        ["detail"] = Detail,
        ["instance"] = path,
    });

    public static async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        context.Response.ContentType = "application/problem+json";
        await context.Response.Body.WriteAsync(Body(context.Request.Path), context.RequestAborted);
    }
}
