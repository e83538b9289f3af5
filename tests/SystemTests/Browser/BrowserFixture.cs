using Microsoft.Playwright;

namespace TrustedOss.SystemTests.Browser;

/// <summary>
/// One headless Chromium (Debian's package: nothing is downloaded) for the browser tests, started by
/// the first of them, so a run of other system tests needs no browser. Each test opens its own
/// context (cookies, storage) on the gateway.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly Lazy<Task<(IPlaywright Playwright, IBrowser Browser)>> started = new(StartAsync);

    public async Task<IBrowser> BrowserAsync() => (await started.Value).Browser;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (started.IsValueCreated)
        {
            var (playwright, browser) = await started.Value;
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task<(IPlaywright, IBrowser)> StartAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        return (playwright, browser);
    }
}
