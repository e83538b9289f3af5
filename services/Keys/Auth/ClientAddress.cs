using System.Net;
using System.Net.Sockets;

namespace TrustedOss.Keys.Auth;

/// <summary>
/// The unit per-address limits count: an IPv4 address, or an IPv6 /64. One IPv6 host is routinely
/// given a whole /64, so counting per /128 would give it 2^64 fresh addresses to try from.
/// </summary>
public static class ClientAddress
{
    public static string LimitKey(string address)
    {
        if (!IPAddress.TryParse(address, out var parsed))
        {
            return address;
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
