using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using RabbitMQ.Client;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>A RabbitMQ node run from the machine's own packages, with the management UI.</summary>
public sealed class LocalRabbitMqResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string ManagementEndpointName = "management";
    public const string UserName = "trustedoss";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    internal List<LocalRabbitMqUserResource> Users { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{Password}@{Endpoint.Property(EndpointProperty.IPV4Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}

public static class LocalRabbitMqExtensions
{
    private const int DefaultPort = 5672;
    private const int DefaultManagementPort = 15672;

    public static IResourceBuilder<LocalRabbitMqResource> AddLocalRabbitMq(this IDistributedApplicationBuilder builder, string name, LocalServerFiles? files)
    {
        var passwordName = $"{name}-password";
        if (files is null)
        {
            var publishPassword = builder.AddParameter(passwordName, secret: true);
            return builder.AddResource(new LocalRabbitMqResource(name, "rabbitmq-server", ".", publishPassword.Resource))
                .WithEndpoint(port: DefaultPort, targetPort: DefaultPort, name: LocalRabbitMqResource.EndpointName, scheme: "tcp", isProxied: false)
                .WithEndpoint(port: DefaultManagementPort, targetPort: DefaultManagementPort, name: LocalRabbitMqResource.ManagementEndpointName, scheme: "http", isProxied: false);
        }

        var secret = files.Secret(passwordName);
        var password = builder.AddParameter(passwordName, secret, secret: true);
        var folder = files.Folder(name);
        var home = files.Folder(Path.Combine(name, "home"));
        int port = LocalServerFiles.FreePort(), management = LocalServerFiles.FreePort();
        int distribution = LocalServerFiles.FreePort(), epmdPort = LocalServerFiles.FreePort();
        string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

        // RabbitMQ reads its listener port and user from a config file, so the ports are chosen up front.
        var config = Path.Combine(folder, "rabbitmq.conf");
        LocalServerFiles.WritePrivate(config, $"""
            listeners.tcp.default = 127.0.0.1:{Invariant(port)}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {Invariant(management)}
            default_user = {LocalRabbitMqResource.UserName}
            default_pass = {secret}
            default_permissions.configure = .*
            default_permissions.read = .*
            default_permissions.write = .*
            default_user_tags.administrator = true
            """);
        var plugins = Path.Combine(folder, "enabled_plugins");
        File.WriteAllText(plugins, "[rabbitmq_management].");

        // Left alone, RabbitMQ daemonizes its own epmd, which then outlives the AppHost.
        var epmd = builder.AddExecutable($"{name}-epmd", "epmd", folder, "-port", Invariant(epmdPort), "-address", "127.0.0.1");

        var server = new LocalRabbitMqResource(name, "/usr/lib/rabbitmq/bin/rabbitmq-server", folder, password.Resource);
        LocalRabbitMqUsers.CreateUsersWhenReady(builder, server);
        return builder.AddResource(server)
            .WithEnvironment("HOME", home)
            .WithEnvironment("RABBITMQ_CONF_ENV_FILE", "/dev/null")
            .WithEnvironment("RABBITMQ_NODENAME", "trustedoss@localhost")
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_NODE_PORT", Invariant(port))
            .WithEnvironment("RABBITMQ_DIST_PORT", Invariant(distribution))
            .WithEnvironment("ERL_EPMD_PORT", Invariant(epmdPort))
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(folder, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(folder, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(folder, "rabbitmq"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", plugins)
            .WithEndpoint(port: port, targetPort: port, name: LocalRabbitMqResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(port: management, targetPort: management, name: LocalRabbitMqResource.ManagementEndpointName, scheme: "http", isProxied: false)
            .WaitFor(epmd)
            .WithProbe(async (connectionString, ct) =>
            {
                var factory = new ConnectionFactory { Uri = new Uri(connectionString) };
                await using var connection = await factory.CreateConnectionAsync(ct);
            });
    }
}
