using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>A Redis server run from the machine's own packages.</summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    /// <summary>The users file (run mode): the admin, then one line per service user.</summary>
    internal string? AclFile { get; init; }

    // StackExchange.Redis configuration syntax, as the Aspire Redis integration expects.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.IPV4Host)}:{Endpoint.Property(EndpointProperty.Port)},password={Password}");
}

public static class LocalRedisExtensions
{
    private const int DefaultPort = 6379;

    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, LocalServerFiles? files)
    {
        var passwordName = $"{name}-password";
        if (files is null)
        {
            var publishPassword = builder.AddParameter(passwordName, secret: true);
            return builder.AddResource(new LocalRedisResource(name, "redis-server", ".", publishPassword.Resource))
                .WithArgs("/etc/redis/redis.conf")
                .WithEndpoint(port: DefaultPort, targetPort: DefaultPort, name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false);
        }

        var secret = files.Secret(passwordName);
        var password = builder.AddParameter(passwordName, secret, secret: true);
        var dataDirectory = files.Folder(name);
        var port = LocalServerFiles.FreePort();

        // Users live in a private ACL file (rewritten at every start, service users appended as they
        // are added), not on the command line the dashboard shows. The default user is the admin.
        var aclFile = Path.Combine(dataDirectory, "users.acl");
        LocalServerFiles.WritePrivate(aclFile, $"user default on #{LocalRedisUsers.Sha256(secret)} ~* &* +@all\n");
        var config = Path.Combine(dataDirectory, "redis.conf");
        // Paths quoted: a checkout folder's name may hold a space.
        LocalServerFiles.WritePrivate(config, string.Create(CultureInfo.InvariantCulture, $"""
            port {port}
            bind 127.0.0.1
            aclfile "{aclFile}"
            dir "{dataDirectory}"
            save 60 1
            appendonly no
            """));

        return builder.AddResource(new LocalRedisResource(name, "redis-server", dataDirectory, password.Resource) { AclFile = aclFile })
            .WithArgs(config)
            .WithEndpoint(port: port, targetPort: port, name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithProbe(PingAsync);
    }

    /// <summary>AUTH then PING over RESP: healthy when the server answers +PONG.</summary>
    private static async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var parts = connectionString.Split(',');
        var hostPort = parts[0].Split(':');
        var password = parts.Single(p => p.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];

        using var client = new TcpClient();
        await client.ConnectAsync(hostPort[0], int.Parse(hostPort[1], CultureInfo.InvariantCulture), cancellationToken);
        await using var stream = client.GetStream();
        var command = $"*2\r\n$4\r\nAUTH\r\n${password.Length}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command), cancellationToken);

        var buffer = new byte[64];
        var received = new StringBuilder();
        while (!received.ToString().Contains("+PONG", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0 || received.Length > 256)
            {
                throw new InvalidOperationException($"Redis answered '{received.ToString().Trim()}' instead of PONG.");
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
