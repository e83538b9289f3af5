using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.WebhookIngest.Receiving;

internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        // Providers sign deliveries with the project's webhook secret; they hold no credential of ours.
        var webhooks = app.MapGroup("/v1/webhooks").WithTags("Webhooks").AllowAnonymous()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge);
        webhooks.MapPost("/github", (HttpContext context, IOptions<WebhookOptions> options, DeliveryReceiver receiver) =>
            ReceiveAsync(WebhookProvider.GitHub, context, options.Value, receiver)).WithSummary("Receive a GitHub delivery")
            .WithDescription("Signed with the project's secret in X-Hub-Signature-256. push and pull_request (opened, synchronize, reopened) start a scan.");
        webhooks.MapPost("/gitlab", (HttpContext context, IOptions<WebhookOptions> options, DeliveryReceiver receiver) =>
            ReceiveAsync(WebhookProvider.GitLab, context, options.Value, receiver)).WithSummary("Receive a GitLab delivery")
            .WithDescription("Carries the project's secret as X-Gitlab-Token, or a Standard Webhooks signature made with it as a signing token. Push Hook and Merge Request Hook (open, reopen, update) start a scan.");
        return app;
    }

    /// <summary>CONTRACT §4 request handling, in its order: size, body, headers, then the project's secret.</summary>
    private static async Task<Results<Ok<WebhookAnswer>, ApiProblem>> ReceiveAsync(
        string provider, HttpContext context, WebhookOptions options, DeliveryReceiver receiver)
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

        if (ProviderEvent.Read(provider, WebhookProvider.EventName(provider, context.Request.Headers), body.Json) is not { } providerEvent)
        {
            return ApiProblems.BadRequest("Invalid JSON", "The delivery body holds a string that is not valid Unicode.");
        }

        return await receiver.ReceiveAsync(provider, context, body.Raw, providerEvent);
    }
}
