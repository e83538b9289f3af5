using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TrustedOss.Data;
using TrustedOss.Keys.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Keys.Audit;

/// <summary>Reading the one audit log (CONTRACT §5): everything for super admins, their teams' rows for team_admins.</summary>
internal static class AuditApi
{
    /// <summary>The tables whose changes are recorded.</summary>
    private static readonly string[] Tables =
        ["api_keys", "memberships", "project_webhooks", "projects", "teams", "users", "webhook_deliveries"];

    private static readonly string[] Actions = ["create", "update", "delete"];

    public sealed record AuditQuery(
        [FromQuery(Name = "target_table")] string? TargetTable,
        string? Action,
        [FromQuery(Name = "actor_user_id")] string? ActorUserId,
        string? From,
        string? To,
        string? Page,
        [FromQuery(Name = "page_size")] string? PageSize);

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/audit", AllAsync).WithTags("Audit").RequireAuthorization(DirectoryPolicies.ActiveUser)
            .WithSummary("The whole audit log, newest first (super admins)")
            .WithDescription("Filters: target_table, action, actor_user_id, from and to (RFC 3339, from inclusive, to exclusive). Anyone but a super admin gets 404.")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        app.MapGet("/v1/audit", TeamsAsync).WithTags("Audit").RequireAuthorization(DirectoryPolicies.ActiveUser)
            .WithSummary("The audit log of the teams you administer, newest first (team_admins)")
            .WithDescription("The same filters as /v1/admin/audit; only rows of teams where you are team_admin (all rows for a super admin).")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<Results<Ok<PagedList<AuditEntry>>, ApiProblem>> AllAsync(
        [AsParameters] AuditQuery query, CurrentUser user, HttpContext http, AuditLogStore log)
    {
        // The super admins' log is not advertised to anyone else: as if it did not exist.
        if (!user.IsSuperuser)
        {
            return ApiProblems.NotFound("Not Found", "There is nothing at this address.");
        }

        return await ListAsync(query, teamIds: null, http, log);
    }

    private static async Task<Results<Ok<PagedList<AuditEntry>>, ApiProblem>> TeamsAsync(
        [AsParameters] AuditQuery query, CurrentUser user, HttpContext http, AuditLogStore log)
    {
        var administered = user.IsSuperuser ? null : user.Memberships.Where(m => m.Role == Roles.TeamAdmin).Select(m => m.TeamId).ToArray();
        if (administered is { Length: 0 })
        {
            return ApiProblems.Forbidden("Only a team_admin reads the audit log of their teams.");
        }

        return await ListAsync(query, administered, http, log);
    }

    private static async Task<Results<Ok<PagedList<AuditEntry>>, ApiProblem>> ListAsync(
        AuditQuery query, Guid[]? teamIds, HttpContext http, AuditLogStore log)
    {
        if (PageRequest.Parse(query.Page, query.PageSize, out var problem) is not { } paging)
        {
            return problem!;
        }

        if (!QueryFilters.TryParseOneOf(query.TargetTable, "target_table", Tables, out problem)
            || !QueryFilters.TryParseOneOf(query.Action, "action", Actions, out problem)
            || !QueryFilters.TryParseGuid(query.ActorUserId, "actor_user_id", out var actor, out problem)
            || !TryParseTime(query.From, "from", out var from, out problem)
            || !TryParseTime(query.To, "to", out var to, out problem))
        {
            return problem;
        }

        if (from >= to)
        {
            return ApiProblems.Validation("to", "to must be later than from.");
        }

        var filter = new AuditLogStore.Filter(query.TargetTable, query.Action, actor, from, to, teamIds);
        return TypedResults.Ok(await log.ListAsync(filter, paging, http.RequestAborted));
    }

    /// <summary>An optional RFC 3339 time with its offset (2026-12-01T10:00:00Z), as UTC.</summary>
    private static bool TryParseTime(string? raw, string field, out DateTime? value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        value = null;
        problem = null;
        if (raw is null)
        {
            return true;
        }

        if (Rfc3339Time.TryParse(raw, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = ApiProblems.Validation(field, $"{field} must be an RFC 3339 time with its offset, e.g. 2026-12-01T10:00:00Z.");
        return false;
    }
}
