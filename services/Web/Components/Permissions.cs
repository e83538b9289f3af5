using TrustedOss.Web.Api;

namespace TrustedOss.Web.Components;

/// <summary>
/// What the signed-in person may do with API keys (CONTRACT §2), so the page offers only that: the
/// API decides in the end, and a refusal it gives is shown as it is.
/// </summary>
internal sealed class KeyActions(Me me)
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

    private string? RoleIn(Guid teamId) => me.Memberships.FirstOrDefault(m => m.TeamId == teamId)?.Role;
}
