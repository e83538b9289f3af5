using Microsoft.AspNetCore.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>The contract's error answers, one builder per status, so every service words them alike.</summary>
public static class ApiProblems
{
    /// <summary>How long a client should wait when a server we depend on is not answering.</summary>
    public const int OutageRetryAfterSeconds = 5;

    /// <summary>A client error of any 4xx status, titled by its reason phrase.</summary>
    public static ApiProblem ClientError(int status, string detail) =>
        new(status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), detail);

    public static ApiProblem BadRequest(string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status400BadRequest, title, detail, extensions: extensions);

    /// <summary>The one 401 of the contract, whatever was wrong with the credential.</summary>
    public static ApiProblem Unauthorized() =>
        new(StatusCodes.Status401Unauthorized, AuthenticationRequired.Title, AuthenticationRequired.Detail, challenge: true);

    /// <summary>A 401 with its own words where no bearer credential is at stake (a failed sign-in, a bad webhook signature).</summary>
    public static ApiProblem Unauthorized(string title, string detail) => new(StatusCodes.Status401Unauthorized, title, detail);

    public static ApiProblem Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ApiProblem NotFound(string title, string detail) => new(StatusCodes.Status404NotFound, title, detail);

    public static ApiProblem Conflict(string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status409Conflict, title, detail, extensions: extensions);

    public static ApiProblem PayloadTooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "Payload Too Large", detail);

    /// <summary>CONTRACT §0: 422, title "Validation Error", an <c>errors</c> object naming each bad field.</summary>
    public static ApiProblem Validation(IDictionary<string, string[]> errors, string detail = "One or more fields are invalid.") =>
        new(StatusCodes.Status422UnprocessableEntity, "Validation Error", detail, errors: errors);

    public static ApiProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A 422 about the request as a whole rather than one field (an impossible combination).</summary>
    public static ApiProblem Unprocessable(string title, string detail) => new(StatusCodes.Status422UnprocessableEntity, title, detail);

    public static ApiProblem TooManyRequests(string detail, int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "Too Many Requests", detail, retryAfterSeconds);

    public static ApiProblem ServiceUnavailable(string detail, int retryAfterSeconds = OutageRetryAfterSeconds) =>
        new(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", detail, retryAfterSeconds);
}
