using TrustedOss.Access;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Directory;
using TrustedOss.Keys.Projects;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Access;

/// <summary>
/// What a caller may do with a project, for the other services (CONTRACT §3, §4): a key sees that
/// the project exists (outside its scope it gets 403); a person who is not in the project's team
/// does not (404). Only a team_admin of the team (or a super admin) manages the project's settings;
/// a key never does.
/// </summary>
public static class ProjectAccessRules
{
    public static ProjectAccess ForKey(Project project, CallerIdentity key) => KeyScopes.Access(key, project.Id, project.TeamId, project.GitUrl);

    public static ProjectAccess ForUser(Project project, CurrentUser user)
    {
        var member = user.IsSuperuser || user.RoleIn(project.TeamId) is not null;
        return new ProjectAccess(project.Id, project.TeamId, project.GitUrl, Visible: member, CanRead: member,
            CanTrigger: user.Has(Roles.Developer, project.TeamId), CanManage: user.Has(Roles.TeamAdmin, project.TeamId));
    }
}
