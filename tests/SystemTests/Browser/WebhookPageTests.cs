using System.Text.Json;
using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>
/// A project's webhook page, as its team admin uses it: set the secret, rotate it with a grace
/// period, see a signed delivery in the list, follow it to its scan and download the scan's SBOM.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class WebhookPageTests(SystemFixture system, BrowserFixture browsers) : IDisposable
{
    private static readonly string Inventory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "inventory", "npm", "mocha-v3");

    private readonly Api api = new(system);
    private readonly Webhooks webhooks = new(system, new Api(system));

    public void Dispose() => webhooks.Dispose();

    [Fact]
    public async Task Set_and_rotate_the_secret_then_follow_a_signed_delivery_to_its_scan_and_sbom()
    {
        using var repository = GitRepository.Create();
        repository.CommitFile("package.json", File.ReadAllBytes(Path.Combine(Inventory, "package.json")));
        var head = repository.CommitFile("package-lock.json", File.ReadAllBytes(Path.Combine(Inventory, "package-lock.json")));
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, repository.FileUrl);
        var teamAdmin = await api.UserAsync(team, "team_admin");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        await browser.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var page = browser.Page;
        await browser.SignInAsync(teamAdmin.Email, Api.UserPassword);

        // From the Webhooks section to the project's page; a new project has no webhook yet.
        await page.GetByRole(AriaRole.Link, new() { Name = $"Webhook settings of {project.Name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Webhook: {project.Name}" })).ToBeVisibleAsync();
        await page.GetByLabel("GitHub").CheckAsync();
        await browser.SubmitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Create the secret" }));
        var first = await RevealedSecretAsync(page, project.Name);
        // The payload URL to give GitHub is this site's, as the browser reached it.
        await Assertions.Expect(page.Locator("#project-webhook-url")).ToHaveTextAsync($"{browser.BaseUrl}v1/webhooks/github");

        // Rotate with an hour's grace: a new secret, and the old one still verifies meanwhile.
        await page.GetByLabel("The current secret keeps working for").SelectOptionAsync(new SelectOptionValue { Label = "1 hour" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate the secret" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Are you sure?" });
        await browser.SubmitAsync(confirm.GetByRole(AriaRole.Button, new() { Name = "Rotate the secret" }));
        var second = await RevealedSecretAsync(page, project.Name);
        Assert.NotEqual(first, second);
        await Assertions.Expect(page.GetByText("Still verifies until")).ToBeVisibleAsync();

        // A push signed with the new secret, and one with the old: both are received.
        var deliveryId = $"page-{Guid.NewGuid():N}";
        var answer = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(second, "push",
            Webhooks.Payload("github-push", repository.FileUrl, sha: head), deliveryId));
        Assert.Equal("enqueued", answer.Status);
        var old = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(first, "ping", Webhooks.Payload("github-ping", repository.FileUrl)));
        Assert.Equal("ignored", old.Status);

        // The delivery in the list, and its scan once it has run.
        using (var admin = await api.AdminAsync())
        {
            await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true);
        }

        await page.ReloadAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = deliveryId });
        await Assertions.Expect(row).ToContainTextAsync("Became a scan");
        await row.GetByRole(AriaRole.Link, new() { Name = $"View scan of delivery {deliveryId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Scan of {project.Name}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Succeeded", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(head)).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download the SBOM (CycloneDX 1.6 JSON)" }).ClickAsync());
        Assert.Equal($"sbom-{answer.ScanId}.cdx.json", download.SuggestedFilename);
        using var sbom = JsonDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));
        Assert.Equal($"urn:uuid:{answer.ScanId}", sbom.RootElement.GetProperty("serialNumber").GetString());
        // A scan without an SBOM answers in words, not with an empty error.
        var missing = await page.Context.APIRequest.GetAsync($"{new Uri(page.Url).GetLeftPart(UriPartial.Authority)}/integrations/scans/{Guid.NewGuid()}/sbom");
        Assert.Equal(404, missing.Status);
        Assert.StartsWith("There is no SBOM for this scan", await missing.TextAsync(), StringComparison.Ordinal);
        var components = sbom.RootElement.GetProperty("components").GetArrayLength();
        Assert.True(components > 0);
        await Assertions.Expect(page.Locator("dt:text-is('Components') + dd")).ToHaveTextAsync(components.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_developer_is_offered_no_webhook_settings_and_is_refused_them_by_address()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/webhook-developer"));
        var developer = await api.UserAsync(team, "developer");
        await using var browser = await WebPage.OpenAsync(browsers, system);
        await browser.SignInAsync(developer.Email, Api.UserPassword);

        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Link, new() { Name = $"Webhook settings of {project.Name}" })).ToHaveCountAsync(0);
        await browser.Page.GotoAsync($"/integrations/projects/{project.Id}/webhook");
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Only a team_admin of the project's team");
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Button, new() { Name = "Create the secret" })).ToHaveCountAsync(0);
    }

    /// <summary>The one-time reveal of a new secret: copied through its Copy button, then closed.</summary>
    private static async Task<string> RevealedSecretAsync(IPage page, string projectName)
    {
        var reveal = page.GetByRole(AriaRole.Dialog, new() { Name = $"The webhook secret of {projectName}" });
        await Assertions.Expect(reveal).ToContainTextAsync("This is the only time you will see this secret.");
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(reveal.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied to the clipboard.");
        var secret = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.False(string.IsNullOrWhiteSpace(secret));
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        // The dialog's close event removes the secret: it fires just after the dialog closes.
        await Assertions.Expect(page.Locator("[data-secret]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        return secret;
    }
}
