using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Turns exceptions that are not bugs into the contract's answers: a malformed request (unreadable
/// JSON, a field of the wrong type, text PostgreSQL cannot store) is the client's 4xx, never a 500;
/// a dependency that does not answer is a 503 with Retry-After.
/// </summary>
internal sealed class ClientErrorExceptionHandler(IProblemDetailsService problems, ILogger<ClientErrorExceptionHandler> logger) : IExceptionHandler
{
    public const int OutageRetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException { Path: { Length: > 1 } path } json } =>
                Validation(FieldOf(path), $"The value does not have the expected type. {json.Message}"),
            BadHttpRequestException { InnerException: JsonException } =>
                new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Invalid JSON", Detail = "The request body is not valid JSON." },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload Too Large" : "Bad Request",
                Detail = bad.Message,
            },
            // 22021/22P05: text with NUL or characters the database cannot store.
            PostgresException { SqlState: "22021" or "22P05" } =>
                Validation("body", "Text fields may not contain NUL or other characters that cannot be stored."),
            _ when DependencyOutage.Is(exception) => Outage(context, exception),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }

    private ProblemDetails Outage(HttpContext context, Exception exception)
    {
        logger.LogWarning(exception, "A dependency is not answering: {Path} gets 503", context.Request.Path);
        context.Response.Headers.RetryAfter = OutageRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service Unavailable",
            Detail = "A server this request needs is not answering right now. Retry after the indicated delay.",
        };
    }

    private static HttpValidationProblemDetails Validation(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Validation Error",
            Detail = "One or more fields are invalid.",
        };

    /// <summary>"$.team_id" → "team_id"; the JSON path names the field as the client sent it.</summary>
    private static string FieldOf(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
