using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TrustedOss.ReadLoad;

/// <summary>
/// A server the harness starts beside the system (the second gateway, raw YARP in a process of its
/// own): started, its console drained, waited for until a probe answers, and killed with its
/// children when disposed.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;

    private ChildProcess(Process process, Uri url)
    {
        this.process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>A loopback port free at the moment of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Uri LoopbackUrl(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));

    /// <summary>Starts the process and waits until <paramref name="probe"/> under its URL answers with success.</summary>
    public static async Task<ChildProcess> StartAsync(ProcessStartInfo start, Uri url, string probe, string name, TimeSpan patience)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} could not be started.");
        // Its console is not needed, but must be drained so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var child = new ChildProcess(process, url);
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await client.GetAsync(probe)).IsSuccessStatusCode)
                {
                    return child;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        await child.DisposeAsync();
        throw new TimeoutException($"{name} did not answer {probe} within {patience.TotalSeconds:0} s.");
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
