using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>Signing in to the web page, the session it keeps, and signing out: in Chromium, through the gateway.</summary>
[Collection(SystemTestGroup.Name)]
public sealed partial class SignInTests(SystemFixture system, BrowserFixture browsers)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task A_person_signs_in_sees_their_keys_and_signs_out()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/web"));
        var developer = await api.UserAsync(team, "developer");
        using var asDeveloper = api.With(developer);
        var key = await Api.KeyAsync(asDeveloper, "project", projectId: project.Id);
        await using var browser = await WebPage.OpenAsync(browsers, system);

        // Signed out, the page sends the person to sign in, and back after.
        await browser.Page.GotoAsync("/integrations");
        Assert.Matches(LoginWithReturn(), browser.Page.Url);
        Assert.StartsWith(browser.BaseUrl, browser.Page.Url, StringComparison.Ordinal);
        await browser.SignInAsync(developer.Email, Api.UserPassword);

        await Assertions.Expect(browser.Page).ToHaveURLAsync(OnIntegrations());
        Assert.StartsWith(browser.BaseUrl, browser.Page.Url, StringComparison.Ordinal);
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Name = "Integrations", Level = 1 })).ToBeVisibleAsync();
        var row = browser.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = key.KeyPrefix });
        await Assertions.Expect(row).ToContainTextAsync(key.Name);
        await Assertions.Expect(row).ToContainTextAsync($"Project {project.Name}");
        await Assertions.Expect(row).ToContainTextAsync("Read and write");
        // Cells after the row's name: key, scope, access, expires, last used, actions.
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("Never");
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(4)).ToHaveTextAsync("Never");
        Assert.DoesNotContain(key.RawKey, await browser.Page.ContentAsync(), StringComparison.Ordinal);

        // A post without the page's form token (another site's form) signs nobody out.
        var forged = await browser.Page.APIRequest.PostAsync("/logout", new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.BadRequest, forged.Status);
        await browser.Page.ReloadAsync();
        await Assertions.Expect(browser.Page).ToHaveURLAsync(OnIntegrations());

        await browser.SubmitAsync(browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }));
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You have signed out.");

        // The session is gone on the server, not only in this browser.
        await browser.Page.GotoAsync("/integrations");
        Assert.Matches(LoginWithReturn(), browser.Page.Url);
    }

    [Fact]
    public async Task A_wrong_password_is_said_plainly_and_signs_nobody_in()
    {
        var developer = await api.UserAsync(await api.TeamAsync(), "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);

        await browser.SignInAsync(developer.Email, "not-the-password");

        Assert.Contains("/login", browser.Page.Url, StringComparison.Ordinal);
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not right.");
        // The form comes back with the email, never with the password in its HTML.
        Assert.DoesNotContain("not-the-password", await browser.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal("", await browser.Page.GetByLabel("Password").InputValueAsync());
        Assert.DoesNotContain(await browser.Page.Context.CookiesAsync(), cookie => cookie.Name == "trustedoss_session");
    }

    [Fact]
    public async Task Sign_in_attempts_count_against_the_browsers_address_not_the_web_pages()
    {
        var developer = await api.UserAsync(await api.TeamAsync(), "developer");
        await using var guesser = await WebPage.OpenAsync(browsers, system);
        await using var someoneElse = await WebPage.OpenAsync(browsers, system);
        await RateWindow.EnsureLeftAsync(TimeSpan.FromSeconds(20));

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await guesser.SignInAsync(developer.Email, $"guess-{attempt}");
            await Assertions.Expect(guesser.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not right.");
        }

        await guesser.SignInAsync(developer.Email, Api.UserPassword);
        await Assertions.Expect(guesser.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many sign-in attempts from your address");

        // The web page's server made all those calls, but another browser is not refused.
        await someoneElse.SignInAsync(developer.Email, Api.UserPassword);
        await Assertions.Expect(someoneElse.Page).ToHaveURLAsync(OnIntegrations());
    }

    [Fact]
    public async Task The_session_cookie_is_out_of_scripts_reach_and_pages_carry_a_content_security_policy()
    {
        var developer = await api.UserAsync(await api.TeamAsync(), "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        var response = await browser.Page.GotoAsync("/login");

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        var policy = await response.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        await browser.SignInAsync(developer.Email, Api.UserPassword);

        var session = Assert.Single(await browser.Page.Context.CookiesAsync(), cookie => cookie.Name == "trustedoss_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.Equal("", await browser.Page.EvaluateAsync<string>("() => document.cookie"));
    }

    [Fact]
    public async Task The_error_page_says_what_to_do_and_names_the_request_id_to_report()
    {
        await using var browser = await WebPage.OpenAsync(browsers, system);

        var response = await browser.Page.GotoAsync("/error");

        Assert.NotNull(response);
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Name = "Something went wrong", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This page could not be shown. Try again in a moment.");
        Assert.Equal(await response.HeaderValueAsync("x-server-request-id"), await browser.Page.Locator("code").InnerTextAsync());
    }

    [GeneratedRegex(@"/login\?ReturnUrl=%2Fintegrations")]
    private static partial Regex LoginWithReturn();

    [GeneratedRegex("/integrations$")]
    private static partial Regex OnIntegrations();
}
