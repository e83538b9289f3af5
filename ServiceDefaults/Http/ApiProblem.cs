using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// One error answer of the contract (CONTRACT §0): <c>application/problem+json</c> with
/// <c>type</c>, <c>title</c>, <c>status</c> and <c>detail</c> always set, <c>Retry-After</c> where
/// waiting helps, and the request id added by the problem-details service. Handlers return it as a
/// result; middleware writes it with <see cref="ExecuteAsync"/>. Build one with <see cref="ApiProblems"/>.
/// </summary>
public sealed class ApiProblem : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    internal ApiProblem(int status, string title, string detail, int? retryAfterSeconds = null,
        IDictionary<string, string[]>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null, bool challenge = false)
    {
        this.challenge = challenge;
        ProblemDetails = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors);
        ProblemDetails.Type = TypeOf(status);
        ProblemDetails.Title = title;
        ProblemDetails.Status = status;
        ProblemDetails.Detail = detail;
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            ProblemDetails.Extensions[name] = value;
        }

        RetryAfterSeconds = retryAfterSeconds;
    }

    private readonly bool challenge;

    public ProblemDetails ProblemDetails { get; }

    public int? RetryAfterSeconds { get; }

    public int StatusCode => ProblemDetails.Status!.Value;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => ProblemDetails;

    ProblemDetails? IValueHttpResult<ProblemDetails>.Value => ProblemDetails;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        if (challenge)
        {
            // The contract's one 401: the same bytes for every credential problem.
            await AuthenticationRequired.WriteAsync(httpContext);
            return;
        }

        httpContext.Response.StatusCode = StatusCode;
        if (RetryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        // Written for any Accept header (ProblemJsonForEveryClient): the problem is the answer.
        // Outside a host with the service defaults (a bare context), written as it is.
        if (httpContext.RequestServices?.GetService<IProblemDetailsService>() is { } problems)
        {
            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = ProblemDetails });
            return;
        }

        await httpContext.Response.WriteAsJsonAsync(ProblemDetails, ProblemDetails.GetType(), options: null, contentType: "application/problem+json");
    }

    internal static string TypeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        StatusCodes.Status401Unauthorized => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        StatusCodes.Status403Forbidden => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        StatusCodes.Status404NotFound => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        StatusCodes.Status409Conflict => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status422UnprocessableEntity => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        StatusCodes.Status503ServiceUnavailable => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
