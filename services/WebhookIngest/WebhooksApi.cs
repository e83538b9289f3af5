using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.WebhookIngest;

internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        // Providers sign deliveries with the project's webhook secret; they hold no credential of ours.
        var webhooks = app.MapGroup("/v1/webhooks").WithTags("Webhooks").AllowAnonymous()
            .ProducesJson<WebhookAnswer, RouteGroupBuilder>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge);
        webhooks.MapPost("/github", (HttpContext context, IOptions<WebhookOptions> options) =>
            ReceiveAsync(WebhookProvider.GitHub, context, options.Value)).WithSummary("Receive a GitHub delivery");
        webhooks.MapPost("/gitlab", (HttpContext context, IOptions<WebhookOptions> options) =>
            ReceiveAsync(WebhookProvider.GitLab, context, options.Value)).WithSummary("Receive a GitLab delivery");
        return app;
    }

    /// <summary>CONTRACT §4 request handling, in its order: size, body, headers, then the project's secret.</summary>
    private static async Task<ApiProblem> ReceiveAsync(string provider, HttpContext context, WebhookOptions options)
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
                return ApiProblems.PayloadTooLarge($"A delivery may be at most {options.MaxBodyBytes} bytes.");
            case WebhookBody.Outcome.Empty:
                return ApiProblems.BadRequest("Empty Body", "The delivery has no body.");
            case WebhookBody.Outcome.InvalidJson:
                return ApiProblems.BadRequest("Invalid JSON", "The delivery body is not valid JSON.");
            case WebhookBody.Outcome.NotAnObject:
                return ApiProblems.BadRequest("Invalid JSON", "The delivery body must be a JSON object.");
        }

        var missing = WebhookProvider.MissingHeaders(provider, context.Request.Headers);
        if (missing.Count > 0)
        {
            return ApiProblems.BadRequest(
                "Webhook Headers Missing",
                $"The delivery lacks: {string.Join(", ", missing)}.",
                new Dictionary<string, object?> { ["missing_headers"] = missing });
        }

        // No repository is registered for webhooks yet: an unknown repository gets the very same
        // answer as a bad signature, so nobody can probe which repositories exist.
        return InvalidSignature();
    }

    private static ApiProblem InvalidSignature() =>
        ApiProblems.Unauthorized("Invalid Webhook Signature", "The delivery's signature does not verify with the project's webhook secret.");
}
