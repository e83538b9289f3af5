using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustedOss.Access;
using TrustedOss.Data;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Inventory.CycloneDx;
using TrustedOss.Scans.Running;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Scans;

/// <summary>The CI surface (CONTRACT §3): trigger a scan and poll it, with an API key or a JWT.</summary>
internal static partial class ScansApi
{
    private static readonly string[] TriggerFields = ["kind", "ref"];
    private const string BranchPrefix = "refs/heads/";

    public static IEndpointRouteBuilder MapScansApi(this IEndpointRouteBuilder app)
    {
        var scans = app.MapGroup("/v1").WithTags("Scans").RequireAuthorization(CallerPolicies.Caller)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status429TooManyRequests);
        scans.MapPost("/projects/{projectId:guid}/scans", TriggerAsync)
            .WithSummary("Trigger a scan of a project")
            .WithDescription("""
                With an API key (read_write, its scope covering the project) or a developer's token. Body:
                {"kind": "source", "ref": "main"}; without a ref the repository's default branch is scanned.
                A scan of the same project and ref already queued or running is a 409 naming it.
                """)
            .Accepts<TriggerRequest>("application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        scans.MapGet("/scans", RecentOfKeyAsync).WithSummary("An API key's most recent scans")
            .WithDescription("api_key_id (required): the scans that key triggered and you may read, newest first; page_size (1-200, default 20) of them, from among the key's 10 × page_size most recent scans.")
            .ProducesProblems(StatusCodes.Status422UnprocessableEntity);
        scans.MapGet("/scans/{scanId:guid}", GetScanAsync).WithSummary("Get a scan (poll it until it ends)");
        scans.MapGet("/scans/{scanId:guid}/sbom", GetSbomAsync).WithSummary("The CycloneDX 1.6 document a succeeded scan produced")
            .WithDescription("Same access as the scan. 404 until the scan has succeeded. Carries an ETag; If-None-Match gets 304.")
            .Produces(StatusCodes.Status200OK, contentType: SbomWriter.MediaType)
            .Produces(StatusCodes.Status304NotModified);
        return app;
    }

    private static async Task<Results<Ok<Scan>, ApiProblem>> TriggerAsync(
        Guid projectId, CallerIdentity caller, HttpContext http, KeysClient keys, ScanStore scans, ScanQueue queue, ActiveScans activeScans,
        TimeProvider time)
    {
        // Access first, the body after: a stranger's trigger is a 403 or 404 whatever its body,
        // which the gateway takes back off the project's budget; a 422 it would keep.
        var (access, refused) = await keys.AccessAsync(projectId, http, http.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }

        if (access is null)
        {
            return ProjectNotFound(projectId);
        }

        if (!access.CanTrigger)
        {
            return ApiProblems.Forbidden(caller.IsReadOnlyKey
                ? "This API key is read-only: it can poll scans but not trigger them."
                : access.CanRead
                    ? "Your role in the project's team cannot trigger scans (developer or team_admin can)."
                    : "This API key's scope does not cover the project.");
        }

        var (request, invalid) = await ReadTriggerAsync(http);
        if (invalid is not null)
        {
            return invalid;
        }

        var scan = new Scan(
            Guid.CreateVersion7(time.GetUtcNow()), projectId, ScanKind.Source, ScanStatus.Queued, request!.Ref, CommitSha: null,
            ScanTrigger.Api, caller.UserId, caller.ApiKeyId, DeliveryId: null, time.UtcNowForDatabase(),
            StartedAt: null, CompletedAt: null, ErrorCode: null, ErrorMessage: null, ComponentCount: null);
        // CONTRACT §3: a queued or running scan of the same project and ref, however it was
        // triggered, is a 409 naming it; the queue checks in the same statement that stores the
        // scan. A scan that ended between that check and the lookup of its id is no reason to
        // refuse: the trigger is tried again.
        for (var attempt = 1; !await queue.TryQueueAsync(new QueuedScan(scan, access.TeamId, access.GitUrl, Activity.Current?.Id), http.RequestAborted); attempt++)
        {
            var active = await scans.ActiveScanAsync(projectId, request.Ref, http.RequestAborted);
            if (active is not null || attempt == 3)
            {
                return AlreadyActive(request.Ref, active);
            }
        }

        await activeScans.StartedAsync(scan);

        // CONTRACT §3: 200 (not 201) with the new scan, as the manual promises.
        return TypedResults.Ok(scan);
    }

    private static async Task<Results<Ok<Scan>, ApiProblem>> GetScanAsync(Guid scanId, CallerIdentity caller, HttpContext http, KeysClient keys, ScanStore scans)
    {
        var (scan, refused) = await ReadableScanAsync(scanId, caller, http, keys, scans);
        return scan is not null ? TypedResults.Ok(scan) : refused!;
    }

    internal sealed record RecentScansQuery(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "api_key_id")] string? ApiKeyId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page_size")] string? PageSize);

    internal sealed record RecentScans(IReadOnlyList<Scan> Items);

    /// <summary>A key's recent scans, each only if the caller may read it (as <see cref="GetScanAsync"/> judges).</summary>
    private static async Task<Results<Ok<RecentScans>, ApiProblem>> RecentOfKeyAsync(
        [AsParameters] RecentScansQuery query, CallerIdentity caller, HttpContext http, KeysClient keys, ScanStore scans)
    {
        if (!QueryFilters.TryParseGuid(query.ApiKeyId, "api_key_id", out var apiKeyId, out var problem))
        {
            return problem;
        }

        if (apiKeyId is not { } keyId)
        {
            return ApiProblems.Validation("api_key_id", "api_key_id is required: the key whose scans to list.");
        }

        if (PageRequest.Parse("1", query.PageSize ?? "20", out problem) is not { } paging)
        {
            return problem!;
        }

        // The key's scans are read a page at a time until the page is full of readable ones: an org key's
        // newest scans may all be of projects this caller may not read, with theirs further back.
        var readable = new List<Scan>();
        var projects = new Dictionary<Guid, bool>();
        Scan? last = null;
        for (var chunks = 0; readable.Count < paging.PageSize && chunks < RecentScansChunks; chunks++)
        {
            var chunk = await scans.RecentOfKeyAsync(keyId, paging.PageSize, last, http.RequestAborted);
            foreach (var (scan, teamId) in chunk)
            {
                if (!projects.TryGetValue(scan.ProjectId, out var canRead))
                {
                    if (caller.IsApiKey && KeyScopes.Covers(caller, scan.ProjectId, teamId) is { } covered)
                    {
                        canRead = covered;
                    }
                    else
                    {
                        var (access, refused) = await keys.AccessAsync(scan.ProjectId, http, http.RequestAborted);
                        if (refused is not null)
                        {
                            return refused;
                        }

                        canRead = access is { CanRead: true };
                    }

                    projects[scan.ProjectId] = canRead;
                }

                if (canRead && readable.Count < paging.PageSize)
                {
                    readable.Add(scan);
                }
            }

            if (chunk.Count < paging.PageSize)
            {
                break;
            }

            last = chunk[^1].Scan;
        }

        return TypedResults.Ok(new RecentScans(readable));
    }

    /// <summary>How many pages' worth of a key's scans one listing reads at most (a bound on one request's work).</summary>
    private const int RecentScansChunks = 10;

    /// <summary>The document, through a temporary file (see <see cref="ScanStore.SpoolSbomAsync"/>); a repeat with the same ETag is 304 without a body.</summary>
    private static async Task<IResult> GetSbomAsync(Guid scanId, CallerIdentity caller, HttpContext http, KeysClient keys, ScanStore scans)
    {
        var (scan, refused) = await ReadableScanAsync(scanId, caller, http, keys, scans);
        if (scan is null)
        {
            return refused!;
        }

        if (scan.Status != ScanStatus.Succeeded || await scans.EtagOfSbomAsync(scanId, http.RequestAborted) is not { } etag)
        {
            return ApiProblems.NotFound("SBOM Not Found", $"Scan {scanId} has no SBOM: it is {scan.Status}. Poll the scan until it has succeeded.");
        }

        var quoted = $"\"{etag}\"";
        http.Response.Headers.ETag = quoted;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Contains(quoted)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        // Gone since its ETag was read (removed by an operator): as if it had never been.
        return await scans.SpoolSbomAsync(scanId, http.RequestAborted) is { } document
            ? TypedResults.Stream(document, SbomWriter.MediaType)
            : ApiProblems.NotFound("SBOM Not Found", $"Scan {scanId} has no SBOM.");
    }

    /// <summary>
    /// The scan when the caller may read it; else the answer: 404 unknown or not visible, 403
    /// outside a key's scope, 401 refused. A key's scope is judged here when the scan's team is
    /// known (the pipeline's poll, without a call to Keys); a person's access, which follows team
    /// membership, is always asked of Keys.
    /// </summary>
    private static async Task<(Scan? Scan, ApiProblem? Refused)> ReadableScanAsync(Guid scanId, CallerIdentity caller, HttpContext http, KeysClient keys, ScanStore scans)
    {
        if (await scans.ReadAsync(scanId, http.RequestAborted) is not (var scan, var teamId))
        {
            return (null, ScanNotFound(scanId));
        }

        if (caller.IsApiKey && KeyScopes.Covers(caller, scan.ProjectId, teamId) is { } covered)
        {
            return covered ? (scan, null) : (null, OutsideKeyScope());
        }

        var (access, refused) = await keys.AccessAsync(scan.ProjectId, http, http.RequestAborted);
        if (refused is not null)
        {
            return (null, refused);
        }

        if (access is null)
        {
            return (null, ScanNotFound(scanId));
        }

        return access.CanRead ? (scan, null) : (null, OutsideKeyScope());
    }

    private static ApiProblem OutsideKeyScope() => ApiProblems.Forbidden("This API key's scope does not cover the scan's project.");

    private static ApiProblem AlreadyActive(string? gitRef, Guid? activeScanId) =>
        ApiProblems.Conflict(
            "Scan Already Active",
            $"A scan of this project at {gitRef ?? "its default branch"} is queued or running; poll it instead.",
            new Dictionary<string, object?> { ["active_scan_id"] = activeScanId });

    /// <summary>The trigger's body: <c>kind</c> ("source") and an optional <c>ref</c>.</summary>
    internal sealed record TriggerRequest(string Kind, string? Ref);

    /// <summary>Strict: only <c>kind</c> ("source") and an optional <c>ref</c>; anything else is named in a 422.</summary>
    private static async Task<(TriggerRequest? Request, ApiProblem? Problem)> ReadTriggerAsync(HttpContext http)
    {
        JsonElement body;
        try
        {
            // No body at all (an empty one, or none announced, as `curl -X POST` sends) reads as {},
            // so the answer names the missing kind.
            body = http.Request.ContentLength == 0 || http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false
                ? JsonDocument.Parse("{}").RootElement
                : await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, ApiProblems.BadRequest("Invalid JSON", "The request body is not valid JSON."));
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, ApiProblems.Validation("body", "The body must be a JSON object."));
        }

        try
        {
            return ValidateTrigger(body);
        }
        catch (InvalidOperationException)
        {
            // The parser takes a string with an unpaired surrogate escape ("\ud800"); reading it as text throws.
            return (null, ApiProblems.BadRequest("Invalid JSON", "The request body holds a string that is not valid Unicode."));
        }
    }

    private static (TriggerRequest? Request, ApiProblem? Problem) ValidateTrigger(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var property in body.EnumerateObject().Where(p => !TriggerFields.Contains(p.Name)))
        {
            errors[property.Name] = ["Unknown field."];
        }

        if (!body.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != ScanKind.Source)
        {
            errors["kind"] = ["kind must be \"source\"."];
        }

        string? gitRef = null;
        if (body.TryGetProperty("ref", out var refElement) && refElement.ValueKind != JsonValueKind.Null)
        {
            gitRef = refElement.ValueKind == JsonValueKind.String ? refElement.GetString() : null;
            if (gitRef is null || !GitRef().IsMatch(gitRef) || gitRef.Contains("..", StringComparison.Ordinal) || gitRef.EndsWith(".lock", StringComparison.Ordinal))
            {
                errors["ref"] = ["ref must be a branch, tag or commit name (letters, digits, . _ - /)."];
            }
        }

        // "refs/heads/main" and "main" name one branch, and must count as one for the 409.
        if (gitRef?.StartsWith(BranchPrefix, StringComparison.Ordinal) == true && gitRef.Length > BranchPrefix.Length)
        {
            gitRef = gitRef[BranchPrefix.Length..];
        }

        return errors.Count > 0 ? (null, ApiProblems.Validation(errors)) : (new TriggerRequest(ScanKind.Source, gitRef), null);
    }

    private static ApiProblem ProjectNotFound(Guid projectId) =>
        ApiProblems.NotFound("Project Not Found", $"No project {projectId} is visible to you.");

    private static ApiProblem ScanNotFound(Guid scanId) =>
        ApiProblems.NotFound("Scan Not Found", $"No scan {scanId} is visible to you.");

    /// <summary>A ref as long as a webhook delivery may name (1,024 bytes), of the characters branch and tag names use.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._/-]{0,1023}\z")]
    private static partial Regex GitRef();
}
