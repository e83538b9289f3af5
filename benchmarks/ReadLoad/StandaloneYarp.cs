using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TrustedOss.ReadLoad;

/// <summary>
/// Raw YARP in a process of its own (this program started again with <see cref="Argument"/>), in
/// front of the same bare endpoint. The gateway is a process apart from the endpoint, so each of
/// its requests crosses from one process to another; raw YARP in the harness's process shares its
/// threads with the endpoint. This second baseline pays for the same crossing as the gateway does.
/// </summary>
internal sealed class StandaloneYarp : IAsyncDisposable
{
    public const string Argument = "raw-yarp";

    private readonly Process process;

    private StandaloneYarp(Process process, Uri url)
    {
        this.process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>What the started process runs: the proxy, until it is stopped.</summary>
    public static async Task RunAsync(string upstream, string listenUrl)
    {
        await using var proxy = await Baselines.StartProxyAsync(upstream, listenUrl);
        await proxy.WaitForShutdownAsync();
    }

    public static async Task<StandaloneYarp> StartAsync(Uri upstream)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var start = new ProcessStartInfo(Environment.ProcessPath!, [Argument, upstream.ToString(), url.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Raw YARP's own process could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var yarp = new StandaloneYarp(process, url);
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 60; attempt++)
        {
            try
            {
                if ((await client.GetAsync("/ok")).IsSuccessStatusCode)
                {
                    return yarp;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        await yarp.DisposeAsync();
        throw new TimeoutException("Raw YARP's own process did not answer in 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
