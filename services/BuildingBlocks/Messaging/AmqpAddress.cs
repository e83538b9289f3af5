namespace TrustedOss.Messaging;

/// <summary>The parts of an <c>amqp://user:password@host:port/vhost</c> connection string.</summary>
public sealed record AmqpAddress(string Host, ushort Port, string VirtualHost, string UserName, string Password)
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
        return new AmqpAddress(
            uri.Host,
            uri.IsDefaultPort ? (ushort)5672 : (ushort)uri.Port,
            virtualHost.Length == 0 ? "/" : Uri.UnescapeDataString(virtualHost),
            Uri.UnescapeDataString(credentials[0]),
            credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "");
    }
}
