using System.Net.Http.Json;
using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>"The page hides actions you cannot perform": each role sees exactly its own, on the same team key.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class RoleTests(SystemFixture system, BrowserFixture browsers)
{
    private readonly Api api = new(system);

    public static TheoryData<string, bool, string[], bool> Roles() => new()
    {
        // role, may issue keys, the scopes the dialog offers, may revoke a team key someone else issued
        { "super_admin", true, ["Project", "Team", "Organization"], true },
        { "team_admin", true, ["Project", "Team"], true },
        { "developer", true, ["Project"], false },
        { "viewer", false, [], false },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Each_role_sees_exactly_the_actions_it_may_perform(string role, bool issues, string[] scopes, bool revokes)
    {
        var team = await api.TeamAsync();
        await api.ProjectAsync(team, GitRepository.NeverContacted("org/roles"));
        var person = role == "super_admin" ? await api.UserAsync(superuser: true) : await api.UserAsync(team, role);
        var teamKey = await api.AdminKeyAsync("team", teamId: team.Id);
        await using var browser = await WebPage.OpenAsync(browsers, system);
        await browser.SignInAsync(person.Email, Api.UserPassword);
        var page = browser.Page;

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = teamKey.Name });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Revoke {teamKey.Name}" })).ToHaveCountAsync(revokes ? 1 : 0);
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Make read-only: {teamKey.Name}" })).ToHaveCountAsync(revokes ? 1 : 0);

        var newKey = page.GetByRole(AriaRole.Button, new() { Name = "New API key" });
        await Assertions.Expect(newKey).ToHaveCountAsync(issues ? 1 : 0);
        if (issues)
        {
            await newKey.ClickAsync();
            // The scope choices, in the dialog's first group ("Scope: …").
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });
            var scopeLabels = await dialog.GetByRole(AriaRole.Group).First.Locator("label").AllInnerTextsAsync();
            Assert.Equal(scopes, scopeLabels.Select(l => l.Split(':')[0].Trim()).ToArray());
        }
    }

    [Fact]
    public async Task A_person_no_longer_allowed_to_issue_keys_still_revokes_their_own_after_confirming()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/demoted"));
        var person = await api.UserAsync(team, "developer");
        using (var developer = system.NewClient(await api.LoginAsync(person.Email, Api.UserPassword)))
        {
            var key = await Api.KeyAsync(developer, "project", projectId: project.Id);
            using var admin = await api.AdminAsync();
            (await admin.PutAsJsonAsync($"/v1/admin/teams/{team.Id}/members/{person.Id}", new { role = "viewer" })).EnsureSuccessStatusCode();
            await using var browser = await WebPage.OpenAsync(browsers, system);
            await browser.SignInAsync(person.Email, Api.UserPassword);
            var page = browser.Page;
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New API key" })).ToHaveCountAsync(0);

            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = key.Name });
            await row.GetByRole(AriaRole.Button, new() { Name = $"Revoke {key.Name}" }).ClickAsync();
            var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Are you sure?" });
            await browser.SubmitAsync(confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke" }));

            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = key.Name })).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task A_team_admin_whose_team_has_no_project_yet_starts_on_a_team_key()
    {
        var team = await api.TeamAsync();
        var teamAdmin = await api.UserAsync(team, "team_admin");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        await browser.SignInAsync(teamAdmin.Email, Api.UserPassword);
        var page = browser.Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "New API key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });

        await Assertions.Expect(dialog.GetByLabel("Team: every project of one team")).ToBeCheckedAsync();
        await Assertions.Expect(dialog.GetByLabel("Project: one project's scans")).ToHaveCountAsync(0);
    }
}
