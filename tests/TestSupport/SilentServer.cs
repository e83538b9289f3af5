using System.Net;
using System.Net.Sockets;

namespace TrustedOss.TestSupport;

/// <summary>
/// A loopback server that accepts connections and never says a word, like a stalled repository
/// host: whatever talks to it waits until its own timeout. It counts the connections it took, so a
/// test can prove that something never tried to connect.
/// </summary>
public sealed class SilentServer : IDisposable
{
    /// <summary>The loopback address the system tests let scans reach (their AppHost allows exactly this one).</summary>
    public static readonly IPAddress AllowedForScans = IPAddress.Parse("127.0.0.2");

    private readonly TcpListener listener;
    private readonly List<Socket> accepted = [];
    private int connections;

    public SilentServer(IPAddress? address = null)
    {
        listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        _ = AcceptAsync();
    }

    public IPAddress Address => ((IPEndPoint)listener.LocalEndpoint).Address;

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>An https repository URL on this server.</summary>
    public string RepositoryUrl => $"https://{Address}:{Port}/org/repo.git";

    public int Connections => Volatile.Read(ref connections);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync();
                Interlocked.Increment(ref connections);
                lock (accepted)
                {
                    accepted.Add(socket);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    public void Dispose()
    {
        listener.Dispose();
        lock (accepted)
        {
            accepted.ForEach(s => s.Dispose());
        }
    }
}
