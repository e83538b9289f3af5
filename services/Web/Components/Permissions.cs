using TrustedOss.Web.Api;

namespace TrustedOss.Web.Components;

/// <summary>
/// What the signed-in person may do (API keys, CONTRACT §2; webhooks, §4; the audit log, §5), so the
/// pages offer only that: the API decides in the end, and a refusal it gives is shown as it is.
/// </summary>
internal sealed class Permissions(SignedInPerson me)
{
    public const string TeamAdmin = "team_admin";
    public const string Developer = "developer";

    /// <summary>Org keys: super admins only.</summary>
    public bool CanIssueOrgKeys => me.IsSuperuser;

    /// <summary>Team keys: super admins, and team admins for their teams.</summary>
    public bool CanIssueTeamKey(Guid teamId) => me.IsSuperuser || RoleIn(teamId) == TeamAdmin;

    /// <summary>Project keys: super admins, and team admins and developers of the project's team.</summary>
    public bool CanIssueProjectKey(Project project) => me.IsSuperuser || RoleIn(project.TeamId) is TeamAdmin or Developer;

    /// <summary>Revoking or narrowing: super admins, the key's issuer, and team admins of the key's team.</summary>
    public bool CanManage(ApiKey key) =>
        me.IsSuperuser || key.CreatedByUserId == me.Id || (key.TeamId is { } team && RoleIn(team) == TeamAdmin);

    /// <summary>Whether there is any key the person may issue (a viewer may issue none).</summary>
    public bool CanIssueAny(IEnumerable<Project> projects) =>
        CanIssueOrgKeys || me.Memberships.Any(m => m.Role is TeamAdmin) || projects.Any(CanIssueProjectKey);

    /// <summary>A project's webhook (its secret, its deliveries): super admins, and team admins of the project's team.</summary>
    public bool CanManageWebhook(Project project) => me.IsSuperuser || RoleIn(project.TeamId) == TeamAdmin;

    /// <summary>The audit log: super admins read all of it, team admins their teams' rows.</summary>
    public bool CanReadAudit => me.IsSuperuser || me.Memberships.Any(m => m.Role == TeamAdmin);

    private string? RoleIn(Guid teamId) => me.Memberships.FirstOrDefault(m => m.TeamId == teamId)?.Role;
}
