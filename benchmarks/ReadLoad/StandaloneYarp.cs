using System.Diagnostics;

namespace TrustedOss.ReadLoad;

/// <summary>
/// Raw YARP in a process of its own (this program started again with <see cref="Argument"/>), in
/// front of the same bare endpoint. The gateway is a process apart from the endpoint, so each of
/// its requests crosses from one process to another; raw YARP in the harness's process shares its
/// threads with the endpoint. This second baseline pays for the same crossing as the gateway does.
/// </summary>
internal static class StandaloneYarp
{
    public const string Argument = "raw-yarp";

    /// <summary>What the started process runs: the proxy, until it is stopped.</summary>
    public static async Task RunAsync(string upstream, string listenUrl)
    {
        await using var proxy = await Baselines.StartProxyAsync(upstream, listenUrl);
        await proxy.WaitForShutdownAsync();
    }

    public static Task<ChildProcess> StartAsync(Uri upstream)
    {
        var url = ChildProcess.LoopbackUrl(ChildProcess.FreePort());
        var start = new ProcessStartInfo(Environment.ProcessPath!, [Argument, upstream.ToString(), url.ToString()]);
        return ChildProcess.StartAsync(start, url, "/ok", "Raw YARP's own process", TimeSpan.FromSeconds(30));
    }
}
