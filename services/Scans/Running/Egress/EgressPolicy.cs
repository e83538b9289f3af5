using System.Net;
using System.Net.Sockets;

namespace TrustedOss.Scans.Running.Egress;

/// <summary>
/// Which addresses a scan may connect to: public unicast ones. Loopback, private, shared (CGNAT),
/// link-local (cloud metadata lives at 169.254.169.254), unspecified, multicast and reserved
/// ranges are refused, so a repository URL cannot turn the runner into a probe of the network it
/// runs in. IPv4 addresses written as IPv6 (mapped, NAT64) are judged as the IPv4 address they
/// carry. An operator may open chosen networks (an internal Git server) with
/// <see cref="ScanRunnerOptions.AllowedPrivateNetworks"/>.
/// </summary>
public sealed class EgressPolicy(IEnumerable<IPNetwork> allowedPrivateNetworks)
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),       // "this" network, unspecified
        IPNetwork.Parse("10.0.0.0/8"),      // private
        IPNetwork.Parse("100.64.0.0/10"),   // shared address space (carrier-grade NAT)
        IPNetwork.Parse("127.0.0.0/8"),     // loopback
        IPNetwork.Parse("169.254.0.0/16"),  // link-local, cloud metadata
        IPNetwork.Parse("172.16.0.0/12"),   // private
        IPNetwork.Parse("192.0.0.0/24"),    // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),  // private
        IPNetwork.Parse("198.18.0.0/15"),   // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),     // multicast
        IPNetwork.Parse("240.0.0.0/4"),     // reserved, broadcast
        IPNetwork.Parse("::/96"),           // unspecified, loopback (::1), IPv4-compatible (deprecated)
        IPNetwork.Parse("fc00::/7"),        // unique local
        IPNetwork.Parse("fe80::/10"),       // link-local
        IPNetwork.Parse("fec0::/10"),       // site-local (deprecated, still routed by some)
        IPNetwork.Parse("ff00::/8"),        // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly IPNetwork[] allowed = [.. allowedPrivateNetworks];

    public bool IsAllowed(IPAddress address)
    {
        var judged = Embedded(address);
        if (allowed.Any(n => n.Contains(judged) || n.Contains(address)))
        {
            return true;
        }

        return !Refused.Any(n => n.Contains(judged));
    }

    /// <summary>The IPv4 address an IPv6 one carries (::ffff:a.b.c.d, 64:ff9b::a.b.c.d), else the address itself.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (Nat64.Contains(address))
        {
            return new IPAddress(address.GetAddressBytes()[12..]);
        }

        return address;
    }
}
