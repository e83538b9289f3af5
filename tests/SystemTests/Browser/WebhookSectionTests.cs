using System.Net;
using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>The Webhooks section of /integrations: the fixed URLs, copied as the provider will post to them.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class WebhookSectionTests(SystemFixture system, BrowserFixture browsers)
{
    private readonly Api api = new(system);

    [Fact]
    public async Task The_copied_github_url_is_the_gateways_webhook_receiver()
    {
        var developer = await api.UserAsync(await api.TeamAsync(), "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        await browser.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await browser.SignInAsync(developer.Email, Api.UserPassword);
        var section = browser.Page.GetByRole(AriaRole.Region, new() { Name = "Webhooks" });

        await Assertions.Expect(section).ToContainTextAsync($"{browser.BaseUrl}v1/webhooks/gitlab");
        await section.GetByRole(AriaRole.Button, new() { Name = "Copy the GitHub webhook URL" }).ClickAsync();
        await Assertions.Expect(section.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied to the clipboard.");
        var copied = await browser.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

        Assert.Equal($"{browser.BaseUrl}v1/webhooks/github", copied);
        using var client = system.NewClient();
        using var unsigned = await client.PostAsync(new Uri(copied), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await Problems.ExpectAsync(unsigned, HttpStatusCode.BadRequest);
    }
}
