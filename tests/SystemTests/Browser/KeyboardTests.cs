using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>The page without a mouse: dialogs open from the keyboard, keep focus inside and give it back when closed.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class KeyboardTests(SystemFixture system, BrowserFixture browsers)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task The_new_key_dialog_traps_focus_and_returns_it_to_its_button()
    {
        var team = await api.TeamAsync();
        await api.ProjectAsync(team, GitRepository.NeverContacted("org/keyboard"));
        var developer = await api.UserAsync(team, "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(developer.Email, Api.UserPassword);

        var opener = page.GetByRole(AriaRole.Button, new() { Name = "New API key" });
        await opener.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByLabel("Name")).ToBeFocusedAsync();

        // However far one tabs, focus stays in the dialog (the rest of the page is inert); past its
        // last control it may rest on the browser's own controls (the document body here) and comes back.
        var seenInDialog = 0;
        for (var i = 0; i < 25; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var where = await page.EvaluateAsync<string>(
                "() => document.activeElement?.closest('dialog[open]') ? 'dialog' : document.activeElement === document.body ? 'browser' : document.activeElement?.outerHTML ?? 'nothing'");
            Assert.True(where is "dialog" or "browser", $"after {i + 1} tabs focus left the dialog for {where}");
            seenInDialog += where == "dialog" ? 1 : 0;
        }

        Assert.True(seenInDialog >= 15, $"focus was in the dialog after only {seenInDialog} of 25 tabs");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(opener).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_skip_link_is_the_first_stop_and_leads_to_the_content()
    {
        var developer = await api.UserAsync(await api.TeamAsync(), "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        await browser.SignInAsync(developer.Email, Api.UserPassword);

        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();
    }
}
