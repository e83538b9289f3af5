using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>
/// Writes the problem for a client whose <c>Accept</c> names no JSON type (say <c>text/html</c>
/// alone), which ASP.NET Core's own writer declines, leaving the error without a body. The problem
/// is the answer (CONTRACT §0), so such a client gets it all the same. Registered after the
/// default writer, so it answers only what that one declines.
/// </summary>
internal sealed class ProblemJsonForEveryClient(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ??= context.HttpContext.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        problem.Type ??= ApiProblem.TypeOf(status);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json"));
    }
}
