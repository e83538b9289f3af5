using Microsoft.Playwright;

namespace TrustedOss.SystemTests.Browser;

/// <summary>
/// A browser of its own on the web page, through the gateway, as a person somewhere on the
/// internet: it names its own address in X-Forwarded-For (a documentation address, 198.51.100.x),
/// which the test system's gateway believes from loopback as a real one believes its load balancer.
/// Per-address limits (sign-in attempts) count that address.
/// </summary>
internal sealed class WebPage : IAsyncDisposable
{
    private static int nextAddress;

    private readonly IBrowserContext context;

    private WebPage(IBrowserContext context, IPage page, string address, string baseUrl)
    {
        this.context = context;
        Page = page;
        Address = address;
        BaseUrl = baseUrl;
    }

    public IPage Page { get; }

    /// <summary>The gateway, where every page and every redirect must stay (never a service's own address).</summary>
    public string BaseUrl { get; }

    /// <summary>The address the gateway takes for this browser.</summary>
    public string Address { get; }

    public static async Task<WebPage> OpenAsync(BrowserFixture browsers, SystemFixture system)
    {
        var address = $"198.51.100.{1 + (Interlocked.Increment(ref nextAddress) % 250)}";
        // 127.0.0.1, not localhost (which Chromium may reach over ::1): the address the gateway trusts.
        var baseUrl = new UriBuilder(system.GatewayAddress) { Host = "127.0.0.1" }.Uri.ToString();
        var context = await (await browsers.BrowserAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-For"] = address },
        });
        return new WebPage(context, await context.NewPageAsync(), address, baseUrl);
    }

    /// <summary>
    /// Signs in through the sign-in form, from wherever the page is, and waits for the answer page.
    /// When the page says signing in is not possible right now (a dependency did not answer in
    /// time, which a machine this busy can cause, above all while the system is still warming up),
    /// the person tries again a moment later, for up to about five seconds, as
    /// <see cref="Api.LoginAsync"/> retries a 503.
    /// </summary>
    public async Task SignInAsync(string email, string password)
    {
        if (!Page.Url.Contains("/login", StringComparison.Ordinal))
        {
            await Page.GotoAsync("/login");
        }

        for (var attempt = 1; ; attempt++)
        {
            await Page.GetByLabel("Email").FillAsync(email);
            await Page.GetByLabel("Password").FillAsync(password);
            await SubmitAsync(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
            if (attempt == 6 || !await Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Signing in is not possible right now" }).IsVisibleAsync())
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Clicks a form's submit button and waits until the page it leads to (after any redirect) has loaded.</summary>
    public async Task SubmitAsync(ILocator button)
    {
        await Page.RunAndWaitForResponseAsync(
            () => button.ClickAsync(),
            response => response.Request.ResourceType == "document" && response.Status is < 300 or >= 400);
        await Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
