using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>Declares answers a handler's return type cannot show, so the generated OpenAPI document lists every one it can give.</summary>
public static class ProblemResponses
{
    private static readonly string[] ProblemJson = ["application/problem+json"];
    private static readonly string[] Json = ["application/json"];

    /// <summary>A JSON success answer of <typeparamref name="T"/>, for a route group or a handler that returns a bare result.</summary>
    public static TBuilder ProducesJson<T, TBuilder>(this TBuilder builder, int status = StatusCodes.Status200OK) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(T), Json));

    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. statuses.Select(status => new ProducesResponseTypeMetadata(
            status,
            status == StatusCodes.Status422UnprocessableEntity ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails),
            ProblemJson))]);
}
