using System.Net;
using System.Net.Sockets;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>
/// The unit every per-address limit counts (sign-ins, failed key checks, webhook deliveries): an
/// IPv4 address, or an IPv6 /64. One IPv6 host is routinely
/// given a whole /64, so counting per /128 would give it 2^64 fresh addresses to try from.
/// </summary>
public static class ClientAddress
{
    public static string LimitKey(string address) => IPAddress.TryParse(address, out var parsed) ? LimitKey(parsed) : address;

    /// <summary>The unit of <paramref name="parsed"/>; "unknown" when the connection has no address (not a socket).</summary>
    public static string LimitKey(IPAddress? parsed)
    {
        if (parsed is null)
        {
            return "unknown";
        }

        if (parsed.IsIPv4MappedToIPv6)
        {
            return parsed.MapToIPv4().ToString();
        }

        if (parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return parsed.ToString();
        }

        var bytes = parsed.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
