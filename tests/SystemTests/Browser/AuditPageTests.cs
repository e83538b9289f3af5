using System.Net;
using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>The audit pages: a team admin's /audit and the super admins' /admin/audit, with readable rows and filters.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class AuditPageTests(SystemFixture system, BrowserFixture browsers)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_team_admin_finds_a_keys_creation_and_revocation_in_their_teams_log()
    {
        var team = await api.TeamAsync();
        var teamAdmin = await api.UserAsync(team, "team_admin");
        Api.Key key;
        using (var asTeamAdmin = api.With(teamAdmin))
        {
            key = await Api.KeyAsync(asTeamAdmin, "team", teamId: team.Id);
            using var revoked = await asTeamAdmin.DeleteAsync($"/v1/api-keys/{key.Id}");
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(teamAdmin.Email, Api.UserPassword);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your teams' audit log" })).ToBeVisibleAsync();

        await page.GetByLabel("Changes to").SelectOptionAsync(new SelectOptionValue { Label = "API keys" });
        await browser.SubmitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Filter" }));

        var created = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Created an API key" }).Filter(new() { HasText = key.Name });
        var revocation = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Changed an API key" }).Filter(new() { HasText = key.Name });
        await Assertions.Expect(created).ToContainTextAsync(teamAdmin.Email);
        await Assertions.Expect(created).ToContainTextAsync("(secret, not recorded)");
        await Assertions.Expect(revocation).ToContainTextAsync("revoked at");
        await Assertions.Expect(revocation).ToContainTextAsync(key.KeyPrefix);
        Assert.Contains("target_table=api_keys", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_super_admin_narrows_the_whole_log_to_one_person_and_pages_through_their_changes()
    {
        var team = await api.TeamAsync();
        var teamAdmin = await api.UserAsync(team, "team_admin");
        var keys = new List<Api.Key>();
        using (var asTeamAdmin = api.With(teamAdmin))
        {
            // One more than a page holds.
            for (var i = 0; i < 51; i++)
            {
                keys.Add(await Api.KeyAsync(asTeamAdmin, "team", teamId: team.Id));
            }
        }

        var superAdmin = await api.UserAsync(superuser: true);
        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(superAdmin.Email, Api.UserPassword);
        await page.GotoAsync("/admin/audit?target_table=api_keys");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = keys[^1].Name }).GetByRole(AriaRole.Link, new() { Name = teamAdmin.Email }).ClickAsync();

        await Assertions.Expect(page.GetByText($"Only changes by {teamAdmin.Email}.")).ToBeVisibleAsync();
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of the audit log" });
        await Assertions.Expect(pager).ToContainTextAsync("Page 1 of 2");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Created an API key" })).ToHaveCountAsync(50);
        await pager.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(pager).ToContainTextAsync("Page 2 of 2");
        var oldest = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Created an API key" });
        await Assertions.Expect(oldest).ToHaveCountAsync(1);
        await Assertions.Expect(oldest).ToContainTextAsync(keys[0].Name);
        Assert.Contains($"actor_user_id={teamAdmin.Id}", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_log_is_offered_to_a_developer_and_each_refuses_them_by_address()
    {
        var developer = await api.UserAsync(await api.TeamAsync(), "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(developer.Email, Api.UserPassword);

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        await page.GotoAsync("/audit");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Only a team_admin reads the audit log of their teams.");
        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The whole audit log is for super admins.");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
    }
}
