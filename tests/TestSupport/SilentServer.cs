using System.Net;
using System.Net.Sockets;

namespace TrustedOss.TestSupport;

/// <summary>
/// A loopback server that accepts connections and never says a word, like a stalled repository
/// host: whatever talks to it waits until its own timeout.
/// </summary>
public sealed class SilentServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);

    public SilentServer() => listener.Start();

    /// <summary>An https repository URL on this server.</summary>
    public string RepositoryUrl => $"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/org/repo.git";

    public void Dispose() => listener.Dispose();
}
