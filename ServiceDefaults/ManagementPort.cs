using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace TrustedOss.ServiceDefaults;

/// <summary>
/// A second port for the orchestrator and operators (<c>MANAGEMENT_PORT</c>, set by the AppHost):
/// the health report naming each check lives there, while the public port's <c>/health</c> says
/// only Healthy or Unhealthy. Deployed, the management port is not exposed outside the cluster.
/// </summary>
public static class ManagementPort
{
    public const string Variable = "MANAGEMENT_PORT";

    /// <summary>
    /// Adds the management port to the addresses the server listens on: the ones it was given
    /// (<c>ASPNETCORE_URLS</c>, or <c>HTTP_PORTS</c> in a deployment) stay as they are.
    /// </summary>
    public static void Listen(WebApplicationBuilder builder)
    {
        if (PortOf(builder.Configuration) is not { } port)
        {
            return;
        }

        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured
            ? configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : (builder.Configuration["HTTP_PORTS"] ?? "8080").Split(';', ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => $"http://*:{p}").ToList();
        if (!urls.Any(u => new Uri(u.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal)).Port == port))
        {
            // Where the given addresses listen on loopback only, so does the management port.
            var host = urls.All(u => u.Contains("localhost", StringComparison.Ordinal) || u.Contains("127.0.0.1", StringComparison.Ordinal)) ? "localhost" : "*";
            urls.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}"));
        }

        builder.WebHost.UseUrls([.. urls]);
    }

    /// <summary>Whether the request arrived on the management port.</summary>
    public static bool IsManagementRequest(HttpContext context, IConfiguration configuration) =>
        PortOf(configuration) is { } port && context.Connection.LocalPort == port;

    private static int? PortOf(IConfiguration configuration) =>
        int.TryParse(configuration[Variable], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;
}
