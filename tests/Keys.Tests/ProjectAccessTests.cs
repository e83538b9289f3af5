using TrustedOss.Keys.Access;
using TrustedOss.Keys.Directory;
using TrustedOss.Keys.Projects;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.Tests;

public sealed class ProjectAccessTests
{
    private static readonly Project Project = new(Guid.NewGuid(), Guid.NewGuid(), "svc", "https://git.example.com/svc.git", DateTime.UtcNow);

    [Theory]
    [InlineData("org", false, false, true)]
    [InlineData("team", true, false, true)]
    [InlineData("team", false, false, false)]
    [InlineData("project", false, true, true)]
    [InlineData("project", true, false, false)]
    [InlineData("galaxy", true, true, false)]
    public void A_key_reads_and_triggers_inside_its_scope(string scope, bool ownTeam, bool ownProject, bool inScope)
    {
        var key = new CallerIdentity(CallerIdentity.ApiKey, Guid.NewGuid(), Guid.NewGuid(), scope,
            ownTeam || ownProject ? Project.TeamId : Guid.NewGuid(), ownProject ? Project.Id : Guid.NewGuid(), "read_write");

        var access = ProjectAccessRules.ForKey(Project, key);

        Assert.True(access.Visible);
        Assert.Equal(inScope, access.CanRead);
        Assert.Equal(inScope, access.CanTrigger);
        Assert.False(access.CanManage);
    }

    [Fact]
    public void A_read_only_key_reads_but_never_triggers()
    {
        var key = new CallerIdentity(CallerIdentity.ApiKey, Guid.NewGuid(), Guid.NewGuid(), "org", PermissionBreadth: "read_only");

        var access = ProjectAccessRules.ForKey(Project, key);

        Assert.True(access.CanRead);
        Assert.False(access.CanTrigger);
    }

    [Theory]
    [InlineData(null, false, false, false, false)]
    [InlineData("viewer", true, true, false, false)]
    [InlineData("developer", true, true, true, false)]
    [InlineData("team_admin", true, true, true, true)]
    public void A_person_sees_their_teams_projects_developers_trigger_and_team_admins_manage(
        string? role, bool visible, bool read, bool trigger, bool manage)
    {
        var user = new CurrentUser(
            new UserRow(Guid.NewGuid(), "dev@example.com", "Dev", "", false, true, DateTime.UtcNow),
            role is null ? [] : [new Membership(Project.TeamId, "team", role)]);

        var access = ProjectAccessRules.ForUser(Project, user);

        Assert.Equal((visible, read, trigger, manage), (access.Visible, access.CanRead, access.CanTrigger, access.CanManage));
    }

    [Fact]
    public void A_super_admin_may_do_everything()
    {
        var admin = new CurrentUser(new UserRow(Guid.NewGuid(), "a@example.com", "A", "", true, true, DateTime.UtcNow), []);

        var access = ProjectAccessRules.ForUser(Project, admin);

        Assert.Equal((true, true, true, true), (access.Visible, access.CanRead, access.CanTrigger, access.CanManage));
    }
}
