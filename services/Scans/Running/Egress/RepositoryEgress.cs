using System.Net;
using System.Net.Sockets;

namespace TrustedOss.Scans.Running.Egress;

/// <summary>Looks a host name up; <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> in production.</summary>
public delegate Task<IPAddress[]> ResolveHost(string host, CancellationToken cancellationToken);

/// <summary>
/// Decides, before git runs, which address it will connect to. The host is resolved here, every
/// address it resolves to must pass the <see cref="EgressPolicy"/> (one private answer among
/// public ones refuses the repository), and git is then pinned to the checked address, so a
/// second lookup inside git (DNS rebinding) cannot send it elsewhere.
/// </summary>
public sealed class RepositoryEgress(EgressPolicy policy, ResolveHost resolve)
{
    public async Task<IPAddress> CheckedAddressAsync(RepositoryTarget target, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (target.Literal is { } literal)
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolve(target.Host, cancellationToken);
            }
            catch (SocketException)
            {
                throw new ScanFailedException(ScanError.HostNotFound);
            }
        }

        if (addresses.Length == 0)
        {
            throw new ScanFailedException(ScanError.HostNotFound);
        }

        if (!addresses.All(policy.IsAllowed))
        {
            throw new ScanFailedException(ScanError.AddressNotAllowed);
        }

        // IPv4 first: it is what most Git hosts answer on, and what the runner's network surely routes.
        return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
    }
}
