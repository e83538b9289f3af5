using TrustedOss.Web.Api;
using TrustedOss.Web.Components;

namespace TrustedOss.Web.Tests;

public sealed class PermissionsTests
{
    private static readonly Guid TeamA = Guid.NewGuid();
    private static readonly Guid TeamB = Guid.NewGuid();
    private static readonly Project InA = new(Guid.NewGuid(), TeamA, "a", "https://example.com/a.git", DateTime.UtcNow);
    private static readonly Project InB = new(Guid.NewGuid(), TeamB, "b", "https://example.com/b.git", DateTime.UtcNow);

    private static SignedInPerson Person(bool superuser = false, params (Guid Team, string Role)[] roles) =>
        new(Guid.NewGuid(), "p@example.com", "P", superuser, [.. roles.Select(r => new Membership(r.Team, "team", r.Role))]);

    private static ApiKey Key(Guid issuer, Guid? team) =>
        new(Guid.NewGuid(), "tos_00000000", "k", team is null ? "org" : "team", "read_write", team, null, issuer, "i@example.com",
            DateTime.UtcNow, null, null, null, null);

    [Fact]
    public void A_super_admin_may_issue_every_scope_and_manage_every_key()
    {
        var actions = new Permissions(Person(superuser: true));

        Assert.True(actions.CanIssueOrgKeys);
        Assert.True(actions.CanIssueTeamKey(TeamA));
        Assert.True(actions.CanIssueProjectKey(InB));
        Assert.True(actions.CanManage(Key(Guid.NewGuid(), TeamB)));
        Assert.True(actions.CanManage(Key(Guid.NewGuid(), null)));
    }

    [Fact]
    public void A_team_admin_issues_team_and_project_keys_of_their_team_and_manages_its_keys()
    {
        var actions = new Permissions(Person(roles: (TeamA, "team_admin")));

        Assert.False(actions.CanIssueOrgKeys);
        Assert.True(actions.CanIssueTeamKey(TeamA));
        Assert.False(actions.CanIssueTeamKey(TeamB));
        Assert.True(actions.CanIssueProjectKey(InA));
        Assert.False(actions.CanIssueProjectKey(InB));
        Assert.True(actions.CanManage(Key(Guid.NewGuid(), TeamA)));
        Assert.False(actions.CanManage(Key(Guid.NewGuid(), TeamB)));
    }

    [Fact]
    public void A_developer_issues_project_keys_of_their_team_and_manages_only_their_own()
    {
        var me = Person(roles: (TeamA, "developer"));
        var actions = new Permissions(me);

        Assert.False(actions.CanIssueTeamKey(TeamA));
        Assert.True(actions.CanIssueProjectKey(InA));
        Assert.True(actions.CanIssueAny([InA]));
        Assert.True(actions.CanManage(Key(me.Id, TeamA)));
        Assert.False(actions.CanManage(Key(Guid.NewGuid(), TeamA)));
    }

    [Fact]
    public void A_viewer_issues_nothing_and_manages_nothing_but_their_own()
    {
        var me = Person(roles: (TeamA, "viewer"));
        var actions = new Permissions(me);

        Assert.False(actions.CanIssueAny([InA]));
        Assert.False(actions.CanIssueProjectKey(InA));
        Assert.False(actions.CanManage(Key(Guid.NewGuid(), TeamA)));
    }

    [Fact]
    public void Webhooks_are_managed_by_super_admins_and_the_team_admins_of_the_project()
    {
        Assert.True(new Permissions(Person(superuser: true)).CanManageWebhook(InB));
        var admin = new Permissions(Person(roles: [(TeamA, "team_admin"), (TeamB, "developer")]));
        Assert.True(admin.CanManageWebhook(InA));
        Assert.False(admin.CanManageWebhook(InB));
        Assert.False(new Permissions(Person(roles: (TeamA, "viewer"))).CanManageWebhook(InA));
    }

    [Fact]
    public void The_audit_log_is_read_by_super_admins_and_team_admins_only()
    {
        Assert.True(new Permissions(Person(superuser: true)).CanReadAudit);
        Assert.True(new Permissions(Person(roles: [(TeamA, "developer"), (TeamB, "team_admin")])).CanReadAudit);
        Assert.False(new Permissions(Person(roles: [(TeamA, "developer"), (TeamB, "viewer")])).CanReadAudit);
    }
}
