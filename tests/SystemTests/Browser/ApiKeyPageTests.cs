using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>The API keys section of /integrations, as the manual walks through it, in Chromium.</summary>
[Collection(SystemTestGroup.Name)]
public sealed partial class ApiKeyPageTests(SystemFixture system, BrowserFixture browsers)
{
    private const string OnlyTimeWarning = "This is the only time you will see the full key. If you lose it, you must create a new one.";

    private readonly Api api = new(system);

    [Fact]
    public async Task The_links_to_other_pages_of_keys_do_not_carry_a_one_time_reveal_along_and_a_page_past_the_end_leads_back()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/pages"));
        var developer = await api.UserAsync(team, "developer");
        using (var asDeveloper = api.With(developer))
        {
            // A page of keys holds 50: the one made on the page below starts a second.
            for (var i = 0; i < 50; i++)
            {
                await Api.KeyAsync(asDeveloper, "project", projectId: project.Id);
            }
        }

        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(developer.Email, Api.UserPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "New API key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });
        var name = Api.Unique("paged");
        await CreateProjectKeyAsync(browser, dialog, name, project.Id);
        var reveal = page.GetByRole(AriaRole.Dialog, new() { Name = $"Your new API key: {name}" });
        await Assertions.Expect(reveal).ToBeVisibleAsync();
        Assert.Contains("reveal=", page.Url, StringComparison.Ordinal);
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        var next = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of keys" }).GetByRole(AriaRole.Link, new() { Name = "Next page" });
        Assert.DoesNotContain("reveal", await next.GetAttributeAsync("href"), StringComparison.Ordinal);
        await next.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of keys" })).ToContainTextAsync("Page 2 of 2");
        await Assertions.Expect(page.GetByText("already shown")).ToHaveCountAsync(0);

        // A page past the end (a link kept from when there were more keys) says so and leads to the last.
        await page.GotoAsync(page.Url.Replace("page=2", "page=5", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("Page 5 is past the end of the list.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("No API keys yet.")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Go to page 2" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of keys" })).ToContainTextAsync("Page 2 of 2");
    }

    [Fact]
    public async Task Create_reveal_copy_use_and_revoke_a_key()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/page"));
        var developer = await api.UserAsync(team, "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        await browser.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var page = browser.Page;
        await browser.SignInAsync(developer.Email, Api.UserPassword);

        // New API key: the dialog asks for a name and scope (a project the developer's team owns).
        var name = Api.Unique("github-action");
        await page.GetByRole(AriaRole.Button, new() { Name = "New API key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByLabel("Organization: every project")).ToHaveCountAsync(0);
        await FillProjectKeyAsync(dialog, name, project.Id);
        await dialog.GetByLabel("Expires", new() { Exact = true }).SelectOptionAsync("30");
        await browser.SubmitAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }));

        // The one-time reveal, with its warning and a Copy button that puts the key on the clipboard.
        var reveal = page.GetByRole(AriaRole.Dialog, new() { Name = $"Your new API key: {name}" });
        await Assertions.Expect(reveal).ToBeVisibleAsync();
        await Assertions.Expect(reveal).ToContainTextAsync(OnlyTimeWarning);
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(reveal.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied to the clipboard.");
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Matches(KeyFormat(), copied);

        // The copied key works against the API.
        using (var pipeline = system.NewClient(copied))
        {
            using var self = await pipeline.GetAsync("/v1/api-keys/self");
            Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        }

        // Done: the full key leaves the page, and reloading does not show it again.
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        // Focus goes back to the page's content, not lost to the document.
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();
        // The dialog's close event removes the secret: it fires just after the dialog closes.
        await Assertions.Expect(page.Locator("[data-secret]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(copied, await page.ContentAsync(), StringComparison.Ordinal);
        var reloaded = await page.ReloadAsync();
        Assert.DoesNotContain(copied, await page.ContentAsync(), StringComparison.Ordinal);
        // Nor can the browser's cache or Back button bring back the page that held it.
        Assert.Contains("no-store", (await reloaded!.AllHeadersAsync())["cache-control"], StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "That key was already shown once" })).ToHaveTextAsync(
            "That key was already shown once; only its prefix is visible now.");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync(copied[..12]);
        // Its expiry as people say it (not "in 29 days" a second after it was made), exact on hover.
        var expires = row.Locator("td[data-label='Expires'] time");
        await Assertions.Expect(expires).ToHaveTextAsync("in 30 days");
        await Assertions.Expect(expires).ToHaveAttributeAsync("title", ExactUtc());

        // Revoke asks first; then the key stops working.
        var revoke = row.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" });
        await revoke.ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Are you sure?" });
        await Assertions.Expect(confirm).ToContainTextAsync($"Revoke {name}");
        // Enter on the dialog as it opens cancels: focus starts on Cancel, and returns to Revoke.
        await Assertions.Expect(confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(confirm).ToBeHiddenAsync();
        await Assertions.Expect(revoke).ToBeFocusedAsync();
        await revoke.ClickAsync();
        await browser.SubmitAsync(confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "is revoked" })).ToHaveTextAsync(
            $"{name} is revoked: every pipeline using it is refused within seconds.");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToHaveCountAsync(0);
        using var refused = system.NewClient(copied);
        await Eventually.ValueAsync(async () =>
        {
            using var response = await refused.GetAsync("/v1/api-keys/self");
            return response.StatusCode == HttpStatusCode.Unauthorized ? "refused" : null;
        }, TimeSpan.FromSeconds(10), "the revoked key to be refused");
    }

    [Fact]
    public async Task A_second_click_on_Create_while_the_first_post_is_on_its_way_sends_nothing_more()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/twice"));
        var developer = await api.UserAsync(team, "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(developer.Email, Api.UserPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "New API key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });
        var name = Api.Unique("twice");
        await FillProjectKeyAsync(dialog, name, project.Id);

        // The first post is held on its way, as over a slow connection, while the person clicks again.
        // (The held route is kept, not awaited in its handler: Playwright waits for a handler
        // before it goes on with anything else.)
        var posts = 0;
        IRoute? held = null;
        var firstHeld = new TaskCompletionSource();
        await page.RouteAsync("**/*", route =>
        {
            if (route.Request.Method == "POST" && Interlocked.Increment(ref posts) == 1)
            {
                held = route;
                firstHeld.SetResult();
                return Task.CompletedTask;
            }

            return route.ContinueAsync();
        });
        var box = (await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).BoundingBoxAsync())!;
        var patience = TimeSpan.FromSeconds(10);
        await page.Mouse.ClickAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2)).WaitAsync(patience);
        await firstHeld.Task.WaitAsync(patience);
        // (Locators and scripts wait for the held navigation; the mouse does not.)
        await page.Mouse.ClickAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2)).WaitAsync(patience);
        await page.WaitForTimeoutAsync(300);
        try
        {
            await held!.ContinueAsync().WaitAsync(patience);
        }
        catch (PlaywrightException)
        {
            // The browser dropped the first post for a second one (the failure this test is for).
        }

        // The first post's answer: its key, shown once. A second post would have come before it.
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog, new() { Name = $"Your new API key: {name}" })).ToBeVisibleAsync();
        Assert.Equal(1, Volatile.Read(ref posts));
    }

    [Fact]
    public async Task Filters_narrow_the_list_and_revoked_keys_show_only_when_asked_for()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/filters"));
        var teamAdmin = await api.UserAsync(team, "team_admin");
        Api.Key projectKey, teamKey, revokedKey;
        using (var asTeamAdmin = api.With(teamAdmin))
        {
            projectKey = await Api.KeyAsync(asTeamAdmin, "project", projectId: project.Id);
            teamKey = await Api.KeyAsync(asTeamAdmin, "team", teamId: team.Id);
            revokedKey = await Api.KeyAsync(asTeamAdmin, "team", teamId: team.Id);
            using var revoked = await asTeamAdmin.DeleteAsync($"/v1/api-keys/{revokedKey.Id}");
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(teamAdmin.Email, Api.UserPassword);
        ILocator Row(Api.Key key) => page.GetByRole(AriaRole.Row).Filter(new() { HasText = key.Name });
        await Assertions.Expect(Row(projectKey)).ToHaveCountAsync(1);
        await Assertions.Expect(Row(revokedKey)).ToHaveCountAsync(0);

        var filters = page.GetByRole(AriaRole.Form, new() { Name = "Filter API keys" });
        await filters.GetByLabel("Scope").SelectOptionAsync(new SelectOptionValue { Label = "Team" });
        await filters.GetByLabel("Show revoked keys").CheckAsync();
        await browser.SubmitAsync(filters.GetByRole(AriaRole.Button, new() { Name = "Filter" }));

        await Assertions.Expect(Row(teamKey)).ToHaveCountAsync(1);
        await Assertions.Expect(Row(projectKey)).ToHaveCountAsync(0);
        await Assertions.Expect(Row(revokedKey)).ToContainTextAsync("Revoked");
        await Assertions.Expect(Row(revokedKey).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        Assert.Contains("scope=team", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(filters.GetByLabel("Show revoked keys")).ToBeCheckedAsync();
    }

    [Fact]
    public async Task A_keys_recent_scans_lead_to_each_scan()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/recent-scans"));
        var developer = await api.UserAsync(team, "developer");
        Api.Key key;
        using (var asDeveloper = api.With(developer))
        {
            key = await Api.KeyAsync(asDeveloper, "project", projectId: project.Id);
        }

        Scans.Scan scan;
        using (var pipeline = api.With(key))
        {
            scan = await Scans.TriggeredAsync(pipeline, project.Id);
        }

        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(developer.Email, Api.UserPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Recent scans of {key.Name}" }).ClickAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = project.Name });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await row.GetByRole(AriaRole.Link, new() { Name = $"View scan {scan.Id}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Scan of {project.Name}" })).ToBeVisibleAsync();
        Assert.EndsWith($"/integrations/scans/{scan.Id}", page.Url, StringComparison.Ordinal);
    }

    /// <summary>Fills the New API key dialog for a key of one project and submits it.</summary>
    private static async Task CreateProjectKeyAsync(WebPage browser, ILocator dialog, string name, Guid projectId)
    {
        await FillProjectKeyAsync(dialog, name, projectId);
        await browser.SubmitAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }));
    }

    private static async Task FillProjectKeyAsync(ILocator dialog, string name, Guid projectId)
    {
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByLabel("Project: one project's scans").CheckAsync();
        await dialog.GetByLabel("Project (for a project key)").SelectOptionAsync(new SelectOptionValue { Value = projectId.ToString() });
    }

    [GeneratedRegex("^tos_[0-9a-f]{8}_[0-9a-f]{32}$")]
    private static partial Regex KeyFormat();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$")]
    private static partial Regex ExactUtc();
}
