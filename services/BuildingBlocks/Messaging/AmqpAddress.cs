namespace TrustedOss.Messaging;

/// <summary>
/// The parts of an <c>amqp://user:password@host:port/vhost</c> connection string; <c>amqps://</c>
/// is the same over TLS (port 5671 unless given).
/// </summary>
public sealed record AmqpAddress(string Host, ushort Port, string VirtualHost, string UserName, string Password, bool UseTls = false)
{
    public static AmqpAddress Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)
            || !Uri.TryCreate(connectionString, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{MessagingExtensions.ConnectionName} must be an amqp://user:password@host:port URI.");
        }

        var credentials = uri.UserInfo.Split(':', 2);
        var virtualHost = uri.AbsolutePath.Trim('/');
        var useTls = uri.Scheme == "amqps";
        return new AmqpAddress(
            uri.Host,
            // .NET knows neither scheme's port: -1 when none is given.
            uri.Port < 0 ? (useTls ? (ushort)5671 : (ushort)5672) : (ushort)uri.Port,
            virtualHost.Length == 0 ? "/" : Uri.UnescapeDataString(virtualHost),
            Uri.UnescapeDataString(credentials[0]),
            credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "",
            useTls);
    }
}
