using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TrustedOss.Access;
using TrustedOss.Data;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.WebhookIngest.Data;
using TrustedOss.WebhookIngest.Receiving;

namespace TrustedOss.WebhookIngest.Settings;

/// <summary>
/// A project's webhook (CONTRACT §4 settings): set the provider and a new secret, rotate it with a
/// grace window, read it (never the secret), list its deliveries. A team_admin of the project's
/// team or a super admin; people only.
/// </summary>
internal static class WebhookSettingsApi
{
    public sealed record PutWebhookRequest(string? Provider) : IValidatableRequest
    {
        public void Validate(ValidationErrors errors) =>
            errors.Check(Provider is WebhookProvider.GitHub or WebhookProvider.GitLab, "provider", "provider must be github or gitlab.");
    }

    public sealed record RotateWebhookRequest(int? GraceHours) : IValidatableRequest
    {
        public const int DefaultGraceHours = 24;

        public void Validate(ValidationErrors errors) =>
            errors.Check(GraceHours is null or (>= 0 and <= 168), "grace_hours", "grace_hours must be from 0 to 168.");
    }

    /// <summary>The webhook as shown; <see cref="Secret"/> only in the answers that make a new one (left out, not null, elsewhere).</summary>
    public sealed record WebhookResponse(
        Guid ProjectId, string Provider, string WebhookUrl, WebhookUrls Urls, DateTime CreatedAt, DateTime? RotatedAt,
        DateTime? PreviousSecretExpiresAt, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null);

    /// <summary>Where each provider posts (the one of <see cref="WebhookResponse.Provider"/> is <see cref="WebhookResponse.WebhookUrl"/>).</summary>
    public sealed record WebhookUrls(string Github, string Gitlab);

    public sealed record DeliveryResponse(Guid Id, string Provider, string DeliveryId, string EventType, string Outcome, Guid? ScanId, DateTime ReceivedAt);

    public sealed record DeliveriesQuery(string? Page, [FromQuery(Name = "page_size")] string? PageSize);

    public static IEndpointRouteBuilder MapWebhookSettingsApi(this IEndpointRouteBuilder app)
    {
        var webhook = app.MapGroup("/v1/projects/{projectId:guid}/webhook").WithTags("Webhooks")
            .RequireAuthorization(CallerPolicies.Person).ValidateRequests()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        webhook.MapPut("", PutAsync).WithSummary("Set a project's webhook provider and a new secret")
            .WithDescription("The answer is the only time the secret is shown. Setting it again replaces the secret at once; use rotate for a grace window.")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity);
        webhook.MapPost("/rotate", RotateAsync).WithSummary("Rotate a project's webhook secret")
            .WithDescription("The new secret is shown once; the previous one keeps verifying deliveries until grace_hours (default 24) pass.")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity);
        webhook.MapGet("", GetAsync).WithSummary("A project's webhook: provider, URLs, when it was rotated (never the secret)");
        webhook.MapGet("/deliveries", DeliveriesAsync).WithSummary("A project's recent webhook deliveries, newest first")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static Task<Results<Ok<WebhookResponse>, ApiProblem>> PutAsync([AsParameters] WebhookChange change, PutWebhookRequest request) =>
        change.ApplyAsync(async (transaction, access, secret) =>
        {
            var row = new ProjectWebhookRow(change.ProjectId, access.TeamId, request.Provider!, access.GitUrl, secret.Encrypted, null, null, secret.Now, null);
            var stored = await WebhookStore.PutAsync(transaction, row, RepositoryUrl.Key(access.GitUrl));
            return (stored, new { provider = row.Provider, secret = AuditTrail.Redacted });
        });

    /// <summary>No body at all rotates with the default grace, as <c>{}</c> does.</summary>
    private static Task<Results<Ok<WebhookResponse>, ApiProblem>> RotateAsync(
        [AsParameters] WebhookChange change, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] RotateWebhookRequest? request) =>
        change.ApplyAsync(async (transaction, _, secret) =>
        {
            var graceEnds = secret.Now.AddHours(request?.GraceHours ?? RotateWebhookRequest.DefaultGraceHours);
            return await WebhookStore.RotateAsync(transaction, change.ProjectId, secret.Encrypted, secret.Now, graceEnds) is { } stored
                ? (stored, new { secret = AuditTrail.Redacted, previous_secret_expires_at = graceEnds })
                : null;
        });

    private static async Task<Results<Ok<WebhookResponse>, ApiProblem>> GetAsync(Guid projectId, HttpContext http, KeysClient keys, WebhookStore store)
    {
        var (_, refused) = await ManageableAsync(projectId, http, keys);
        if (refused is not null)
        {
            return refused;
        }

        return await store.GetAsync(projectId, http.RequestAborted) is { } row ? TypedResults.Ok(Response(http, row)) : WebhookNotSet(projectId);
    }

    private static async Task<Results<Ok<PagedList<DeliveryResponse>>, ApiProblem>> DeliveriesAsync(
        Guid projectId, [AsParameters] DeliveriesQuery query, HttpContext http, KeysClient keys, WebhookStore store)
    {
        // Who may see the project first: a stranger's bad paging is its 404, not a 422.
        var (_, refused) = await ManageableAsync(projectId, http, keys);
        if (refused is not null)
        {
            return refused;
        }

        if (PageRequest.Parse(query.Page, query.PageSize, out var problem) is not { } paging)
        {
            return problem!;
        }

        var page = await store.ListDeliveriesAsync(projectId, paging, http.RequestAborted);
        return TypedResults.Ok(new PagedList<DeliveryResponse>(
            [.. page.Items.Select(d => new DeliveryResponse(d.Id, d.Provider, d.DeliveryId, d.EventType, d.Outcome, d.ScanId, d.ReceivedAt))],
            page.Total, page.Page, page.PageSize));
    }

    /// <summary>Unknown or not visible → 404; visible but not a team_admin of its team (nor a super admin) → 403.</summary>
    public static async Task<(ProjectAccess? Access, ApiProblem? Refused)> ManageableAsync(Guid projectId, HttpContext http, KeysClient keys)
    {
        var (access, refused) = await keys.AccessAsync(projectId, http, http.RequestAborted);
        if (refused is not null)
        {
            return (null, refused);
        }

        return access switch
        {
            null => (null, ApiProblems.NotFound("Project Not Found", $"No project {projectId} is visible to you.")),
            { CanManage: false } => (null, ApiProblems.Forbidden("Only a team_admin of the project's team (or a super admin) manages its webhook.")),
            _ => (access, null),
        };
    }

    public static WebhookResponse Response(HttpContext http, ProjectWebhookRow row)
    {
        var urls = new WebhookUrls(PublicUrl(http, WebhookProvider.GitHub), PublicUrl(http, WebhookProvider.GitLab));
        return new WebhookResponse(row.ProjectId, row.Provider, row.Provider == WebhookProvider.GitHub ? urls.Github : urls.Gitlab, urls,
            row.CreatedAt, row.RotatedAt, row.PreviousSecretExpiresAt);
    }

    /// <summary>The address providers post to, as clients reach the gateway (it forwards its host and scheme).</summary>
    private static string PublicUrl(HttpContext http, string provider)
    {
        var scheme = http.Request.Headers["X-Forwarded-Proto"].FirstOrDefault() ?? http.Request.Scheme;
        var host = http.Request.Headers["X-Forwarded-Host"].FirstOrDefault() ?? http.Request.Host.Value;
        return $"{scheme}://{host}/v1/webhooks/{provider}";
    }

    public static ApiProblem WebhookNotSet(Guid projectId) =>
        ApiProblems.NotFound("Webhook Not Set", $"Project {projectId} has no webhook; set one with PUT first.");
}
