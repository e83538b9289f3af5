using System.Diagnostics;

using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

public sealed class ManifestTests
{
    [Fact]
    public async Task No_deployed_process_trusts_a_clients_forwarded_headers()
    {
        var manifest = await File.ReadAllTextAsync(Path.Combine(Repository.Root(), "aspire-manifest.json"));

        // With it, ASP.NET Core takes the client's address from any client's X-Forwarded-For.
        Assert.DoesNotContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Committed_manifest_matches_the_app_model()
    {
        var root = Repository.Root();
        // Paths inside the manifest are relative to its own folder, so the fresh copy sits beside the committed one.
        var fresh = Path.Combine(root, $".aspire-manifest-{Guid.NewGuid():N}.json");
        try
        {
            // The same command the README documents for regenerating it.
            var start = new ProcessStartInfo("dotnet", ["run", "--project", "AppHost", "--no-build", "--no-launch-profile", "--",
                "--publisher", "manifest", "--output-path", fresh])
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"manifest publish failed: {output}{error}");

            var committed = await File.ReadAllTextAsync(Path.Combine(root, "aspire-manifest.json"));
            var generated = await File.ReadAllTextAsync(fresh);
            Assert.True(committed == generated,
                "aspire-manifest.json is stale: regenerate it with scripts/publish-manifest.sh and commit it.");
        }
        finally
        {
            File.Delete(fresh);
        }
    }
}
