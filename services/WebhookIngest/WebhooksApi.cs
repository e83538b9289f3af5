using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace TrustedOss.WebhookIngest;

internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/v1/webhooks");
        webhooks.MapPost("/github", (HttpContext context, IOptions<WebhookOptions> options) =>
            ReceiveAsync(WebhookProvider.GitHub, context, options.Value));
        webhooks.MapPost("/gitlab", (HttpContext context, IOptions<WebhookOptions> options) =>
            ReceiveAsync(WebhookProvider.GitLab, context, options.Value));
        return app;
    }

    /// <summary>CONTRACT §4 request handling, in its order: size, body, headers, then the project's secret.</summary>
    private static async Task<ProblemHttpResult> ReceiveAsync(string provider, HttpContext context, WebhookOptions options)
    {
        // Kestrel's own cap must not fire first: our limit answers with the contract's 413 problem.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = WebhookOptions.MaxAllowedBodyBytes + 1;
        }

        var body = await WebhookBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
        switch (body.Outcome)
        {
            case WebhookBody.Outcome.TooLarge:
                return Problem(StatusCodes.Status413PayloadTooLarge, "Payload Too Large",
                    $"A delivery may be at most {options.MaxBodyBytes} bytes.");
            case WebhookBody.Outcome.Empty:
                return Problem(StatusCodes.Status400BadRequest, "Empty Body", "The delivery has no body.");
            case WebhookBody.Outcome.InvalidJson:
                return Problem(StatusCodes.Status400BadRequest, "Invalid JSON", "The delivery body is not valid JSON.");
            case WebhookBody.Outcome.NotAnObject:
                return Problem(StatusCodes.Status400BadRequest, "Invalid JSON", "The delivery body must be a JSON object.");
        }

        var missing = WebhookProvider.MissingHeaders(provider, context.Request.Headers);
        if (missing.Count > 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Webhook Headers Missing",
                detail: $"The delivery lacks: {string.Join(", ", missing)}.",
                extensions: new Dictionary<string, object?> { ["missing_headers"] = missing });
        }

        // No repository is registered for webhooks yet: an unknown repository gets the very same
        // answer as a bad signature, so nobody can probe which repositories exist.
        return InvalidSignature();
    }

    private static ProblemHttpResult InvalidSignature() =>
        Problem(StatusCodes.Status401Unauthorized, "Invalid Webhook Signature",
            "The delivery's signature does not verify with the project's webhook secret.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
