using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TrustedOss.AppHost;
using TrustedOss.AppHost.LocalServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TrustedOss.FaultLoad;

/// <summary>
/// The whole system, one replica of each service as in the load runs, on real servers with its
/// data in the given folder, started through the AppHost in this process so that its servers can
/// be stopped and started again as the orchestrator does it.
/// </summary>
internal static class FaultSystem
{
    /// <summary>The first super admin's password where nothing else is configured (the AppHost's development default).</summary>
    public const string AdminPassword = "trustedoss-admin";

    public static async Task<DistributedApplication> StartAsync(string dataPath, ServiceLog serviceLog)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--{LocalServerFiles.DataPathKey}={dataPath}", $"--Gateway:Port={LocalServerFiles.FreePort()}", "--Telemetry:TraceSampleRatio=0.05"],
            (options, _) => options.DisableDashboard = true);

        // As in the read load: many triggers a second on one project, each still counted against
        // its key, its issuer and its project; the scanned repository is a local one.
        builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Gateway)
            .WithEnvironment("RateLimits__TriggersPerMinute", "1000000")
            .WithEnvironment("RateLimits__TriggersPerUserPerMinute", "1000000")
            .WithEnvironment("RateLimits__TriggersPerProjectPerMinute", "1000000");
        builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Scans).WithEnvironment("Scans__AllowFileRepositories", "true");

        // The services' own logs go to a file (they would drown the report on the console).
        builder.Services.AddLogging(logging => logging
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(ServiceLog.Categories, LogLevel.None)
            // The orchestrator's health checks fail, as they should, while a server is down.
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddProvider(serviceLog));

        var app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await app.StartAsync(timeout.Token);
        foreach (var name in ResourceNames.All)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }

        return app;
    }
}
