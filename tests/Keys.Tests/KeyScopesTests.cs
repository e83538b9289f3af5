using TrustedOss.Access;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Tests;

/// <summary>The key-scope rule the Scan service judges polls with, where the project's team may not be known.</summary>
public sealed class KeyScopesTests
{
    private static readonly Guid Team = Guid.NewGuid();
    private static readonly Guid ProjectId = Guid.NewGuid();

    private static CallerIdentity Key(string scope, Guid? team = null, Guid? project = null) =>
        new(CallerIdentity.ApiKey, Guid.NewGuid(), Guid.NewGuid(), scope, team, project, PermissionBreadth.ReadOnly);

    [Fact]
    public void An_org_key_covers_every_project_known_team_or_not()
    {
        Assert.True(KeyScopes.Covers(Key(ApiKeyScope.Org), ProjectId, Team));
        Assert.True(KeyScopes.Covers(Key(ApiKeyScope.Org), ProjectId, teamId: null));
    }

    [Fact]
    public void A_team_key_covers_its_teams_projects_and_cannot_tell_without_the_team()
    {
        Assert.True(KeyScopes.Covers(Key(ApiKeyScope.Team, team: Team), ProjectId, Team));
        Assert.False(KeyScopes.Covers(Key(ApiKeyScope.Team, team: Guid.NewGuid()), ProjectId, Team));
        Assert.Null(KeyScopes.Covers(Key(ApiKeyScope.Team, team: Team), ProjectId, teamId: null));
    }

    [Fact]
    public void A_project_key_covers_its_project_only_whatever_the_team()
    {
        Assert.True(KeyScopes.Covers(Key(ApiKeyScope.Project, team: Team, project: ProjectId), ProjectId, teamId: null));
        Assert.False(KeyScopes.Covers(Key(ApiKeyScope.Project, team: Team, project: Guid.NewGuid()), ProjectId, Team));
    }

    [Fact]
    public void An_unknown_scope_covers_nothing()
    {
        Assert.False(KeyScopes.Covers(Key("galaxy", team: Team, project: ProjectId), ProjectId, Team));
    }
}
