using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Turns exceptions that are not bugs into the contract's answers: a malformed request (unreadable
/// JSON, a field of the wrong type) is the client's 4xx, never a 500; a dependency that does not
/// answer is a 503 with Retry-After. Libraries add what they know about their own clients'
/// exceptions as <see cref="ExceptionAnswer"/>s (the database's, Redis's).
/// </summary>
internal sealed class ClientErrorExceptionHandler(IEnumerable<ExceptionAnswer> answers, ILogger<ClientErrorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            // A value that did not convert names its field; a syntax error inside a field (its
            // reader's own JsonException within) is still not JSON.
            BadHttpRequestException { InnerException: JsonException { Path: { Length: > 1 } path, InnerException: not JsonException } json } =>
                ApiProblems.Validation(FieldOf(path), $"The value does not have the expected type. {json.Message}"),
            BadHttpRequestException { InnerException: JsonException } =>
                ApiProblems.BadRequest("Invalid JSON", "The request body is not valid JSON."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } bad => ApiProblems.PayloadTooLarge(bad.Message),
            // Its own status: a body of the wrong media type is a 415, a bad one a 400.
            BadHttpRequestException bad => ApiProblems.ClientError(bad.StatusCode, bad.Message),
            _ when DependencyOutage.Is(exception) => Outage(),
            _ => answers.Select(a => a.Answer(exception)).FirstOrDefault(p => p is not null),
        };
        if (problem is null)
        {
            return false;
        }

        if (problem.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "A dependency is not answering: {Path} gets 503", context.Request.Path);
        }

        await problem.ExecuteAsync(context);
        return true;
    }

    /// <summary>The 503 every outage gets, whichever server it was.</summary>
    public static ApiProblem Outage() =>
        ApiProblems.ServiceUnavailable("A server this request needs is not answering right now. Retry after the indicated delay.");

    /// <summary>"$.team_id" → "team_id"; the JSON path names the field as the client sent it.</summary>
    private static string FieldOf(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}

/// <summary>How a library's own exceptions are answered (null: not one of ours, keep looking).</summary>
public sealed record ExceptionAnswer(Func<Exception, ApiProblem?> Answer)
{
    /// <summary>The answer for a server that is not answering.</summary>
    public static ApiProblem Outage() => ClientErrorExceptionHandler.Outage();
}
