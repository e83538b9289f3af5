using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Access;

public static class ApiKeyScope
{
    public const string Org = "org";
    public const string Team = "team";
    public const string Project = "project";

    public static readonly string[] All = [Org, Team, Project];
}

public static class PermissionBreadth
{
    public const string ReadWrite = "read_write";
    public const string ReadOnly = "read_only";

    public static readonly string[] All = [ReadWrite, ReadOnly];
}

/// <summary>
/// What an API key's scope covers (CONTRACT §2): an org key every project, a team key its team's,
/// a project key its own. The facts travel in the gateway's signed identity, so a service that
/// knows a project's team decides without asking the Keys service; projects never change team.
/// </summary>
public static class KeyScopes
{
    /// <summary>Whether the key covers the project; null when that needs the project's team and it is not known.</summary>
    public static bool? Covers(CallerIdentity key, Guid projectId, Guid? teamId) => key.Scope switch
    {
        ApiKeyScope.Org => true,
        ApiKeyScope.Team => teamId is { } team ? key.TeamId == team : null,
        ApiKeyScope.Project => key.ProjectId == projectId,
        _ => false,
    };

    /// <summary>
    /// What a key may do with a project (CONTRACT §3, §4): it sees that the project exists (outside
    /// its scope it gets 403), reads and, when read_write, triggers inside its scope, and never
    /// manages the project's settings.
    /// </summary>
    public static ProjectAccess Access(CallerIdentity key, Guid projectId, Guid teamId, string gitUrl)
    {
        var inScope = Covers(key, projectId, teamId) == true;
        return new ProjectAccess(projectId, teamId, gitUrl, Visible: true, CanRead: inScope,
            CanTrigger: inScope && key.PermissionBreadth == PermissionBreadth.ReadWrite, CanManage: false);
    }
}
