using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TrustedOss.TestSupport;

/// <summary>
/// A real Redis of the test's own (the machine's <c>redis-server</c>, which the test command
/// installs), on a free loopback port, with nothing persisted; stopped when disposed.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process process;

    private RedisServer(Process process, int port)
    {
        this.process = process;
        Port = port;
        ConnectionString = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
    }

    /// <summary>For StackExchange.Redis.</summary>
    public string ConnectionString { get; }

    public int Port { get; }

    /// <param name="port">A port of the test's choosing, to start Redis again where a stopped one was; a free one when not given.</param>
    public static async Task<RedisServer> StartAsync(int? port = null) => await StartAtAsync(port ?? FreePort());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<RedisServer> StartAtAsync(int port)
    {
        var start = new ProcessStartInfo("redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new RedisServer(process, port);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        server.Dispose();
        throw new TimeoutException("redis-server did not listen within 5 s.");
    }

    private bool disposed;

    /// <summary>Stops the server; a test may stop it early to take Redis away, and stopping it again does nothing.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        process.Kill();
        process.WaitForExit();
        process.Dispose();
    }
}
