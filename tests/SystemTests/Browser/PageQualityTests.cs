using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests.Browser;

/// <summary>
/// Every page and dialog, as a team admin sees them: no serious or critical accessibility violation
/// (Deque's axe), nothing loaded from another origin (no CDN, no web font), at most 200 KB of
/// script, and a screenshot at laptop and phone width in docs/screenshots/.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class PageQualityTests(SystemFixture system, BrowserFixture browsers)
{
    private static readonly (string Name, int Width, int Height)[] Screens = [("laptop", 1366, 768), ("phone", 390, 844)];

    private readonly Api api = new(system);

    [Fact]
    public async Task Every_page_and_dialog_passes_axe_and_is_pictured_at_laptop_and_phone_width()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/checkout-service"));
        var teamAdmin = await api.UserAsync(team, "team_admin");
        Api.Key projectKey;
        Scans.Scan failedScan;
        using (var asTeamAdmin = api.With(teamAdmin))
        {
            projectKey = await Api.KeyAsync(asTeamAdmin, "project", projectId: project.Id);
            await Api.KeyAsync(asTeamAdmin, "team", teamId: team.Id, breadth: "read_only");
        }

        // A scan of a repository no scan may reach, triggered with the key: it fails, and its page says why.
        using (var pipeline = api.With(projectKey))
        {
            failedScan = await Scans.FinishedAsync(pipeline, (await Scans.TriggeredAsync(pipeline, project.Id)).Id);
        }

        await using var browser = await WebPage.OpenAsync(browsers, system);
        var page = browser.Page;
        var violations = new List<string>();
        await page.GotoAsync("/login");
        await CheckAsync(page, "login", violations);

        await browser.SignInAsync(teamAdmin.Email, Api.UserPassword);
        await CheckAsync(page, "integrations", violations);

        await page.GetByRole(AriaRole.Button, new() { Name = "New API key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New API key" });
        await CheckAsync(page, "new-api-key", violations);

        await dialog.GetByLabel("Name").FillAsync("github-action-checkout-service");
        await dialog.GetByLabel("Project (for a project key)").SelectOptionAsync(new SelectOptionValue { Value = project.Id.ToString() });
        await browser.SubmitAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync(page, "key-reveal", violations);

        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke github-action-checkout-service" }).ClickAsync();
        await CheckAsync(page, "revoke-confirmation", violations);

        await page.GotoAsync($"/integrations/projects/{project.Id}/webhook");
        await page.GetByLabel("GitHub").CheckAsync();
        await browser.SubmitAsync(page.GetByRole(AriaRole.Button, new() { Name = "Create the secret" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync(page, "webhook-secret-reveal", violations);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await CheckAsync(page, "project-webhook", violations);

        await page.GotoAsync($"/integrations/scans/{failedScan.Id}");
        await CheckAsync(page, "scan", violations);

        await page.GotoAsync($"/integrations/keys/{projectKey.Id}/scans");
        await CheckAsync(page, "key-scans", violations);

        await page.GotoAsync("/audit");
        await CheckAsync(page, "audit-log", violations);

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    /// <summary>Runs axe on the page as it is, checks what it loaded, then pictures it at each width.</summary>
    private static async Task CheckAsync(IPage page, string name, List<string> violations)
    {
        var loaded = JsonSerializer.Deserialize<Loaded[]>(await page.EvaluateAsync<string>(
            "() => JSON.stringify(performance.getEntriesByType('resource').map(e => ({ Url: e.name, Kind: e.initiatorType, Bytes: e.decodedBodySize })))"))!;
        var origin = new Uri(page.Url).GetLeftPart(UriPartial.Authority);
        violations.AddRange(loaded.Where(r => !r.Url.StartsWith(origin, StringComparison.Ordinal)).Select(r => $"{name}: loads {r.Url} from another origin"));
        var script = loaded.Where(r => r.Kind == "script").Sum(r => r.Bytes);
        if (script > 200 * 1024)
        {
            violations.Add($"{name}: {script} bytes of script");
        }

        var result = await page.RunAxe();
        violations.AddRange(result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{name}: {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}"));

        var folder = Path.Combine(Repository.Root(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        foreach (var (screen, width, height) in Screens)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-{screen}.png") });
        }

        await page.SetViewportSizeAsync(Screens[0].Width, Screens[0].Height);
    }

    private sealed record Loaded(string Url, string Kind, double Bytes);
}
