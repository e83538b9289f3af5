using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>
/// One service's RabbitMQ user: its own password, and permissions (configure, write, read) only on
/// the exchanges and queues of the messages it publishes or consumes, so a compromised service
/// cannot publish a message it never sends (a Webhook-Ingest user cannot request a scan).
/// </summary>
public sealed class LocalRabbitMqUserResource(string name, string userName, string permissions, LocalRabbitMqResource parent, ParameterResource password)
    : Resource(name), IResourceWithParent<LocalRabbitMqResource>, IResourceWithConnectionString
{
    public string UserName { get; } = userName;

    /// <summary>The regular expression of exchange and queue names the user may configure, write and read.</summary>
    public string Permissions { get; } = permissions;

    public ParameterResource Password { get; } = password;

    public LocalRabbitMqResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{Password}@{Parent.Endpoint.Property(EndpointProperty.IPV4Host)}:{Parent.Endpoint.Property(EndpointProperty.Port)}");
}

public static class LocalRabbitMqUsers
{
    /// <summary>
    /// Names every service may use: its bus's own temporary endpoint (host_process_bus_id) and the
    /// fault exchanges MassTransit publishes to when a consumer gives up.
    /// </summary>
    private const string Common = "[^:]*_bus_[^:]*|MassTransit:Fault(--.*)?";

    /// <summary>
    /// A user for one service, allowed <paramref name="messageTypes"/> (their exchanges, full type
    /// names) and <paramref name="endpoints"/> (its consumers' queues, with their _error and _skipped).
    /// </summary>
    public static IResourceBuilder<LocalRabbitMqUserResource> AddServiceUser(
        this IResourceBuilder<LocalRabbitMqResource> server, string name, string userName, LocalServerFiles? files,
        string[] messageTypes, string[] endpoints)
    {
        string[] names = [.. messageTypes.Select(System.Text.RegularExpressions.Regex.Escape),
            .. endpoints.Select(e => $"{System.Text.RegularExpressions.Regex.Escape(e)}(_error|_skipped)?"), Common];
        var password = server.ApplicationBuilder.AddGeneratedSecret($"{name}-password", files);
        var user = new LocalRabbitMqUserResource(name, userName, $"^({string.Join('|', names)})$", server.Resource, password.Resource);
        server.Resource.Users.Add(user);
        return server.ApplicationBuilder.AddResource(user)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RabbitMQUser",
                State = KnownResourceStates.Waiting,
                Properties = [new("user", userName)],
            })
            .WithProbe(async (connectionString, ct) =>
            {
                await using var connection = await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync(ct);
            });
    }

    /// <summary>Creates or updates each user and its permissions through the management API, then marks it Running.</summary>
    internal static async Task CreateUsersAsync(LocalRabbitMqResource server, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        var management = new EndpointReference(server, LocalRabbitMqResource.ManagementEndpointName);
        var adminPassword = await server.Password.GetValueAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management.Port}/api/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{LocalRabbitMqResource.UserName}:{adminPassword}")));
        foreach (var user in server.Users)
        {
            var password = await user.Password.GetValueAsync(cancellationToken);
            using var created = await http.PutAsJsonAsync($"users/{Uri.EscapeDataString(user.UserName)}", new { password, tags = "" }, cancellationToken);
            created.EnsureSuccessStatusCode();
            using var allowed = await http.PutAsJsonAsync($"permissions/%2F/{Uri.EscapeDataString(user.UserName)}",
                new { configure = user.Permissions, write = user.Permissions, read = user.Permissions }, cancellationToken);
            allowed.EnsureSuccessStatusCode();
            await notifications.PublishUpdateAsync(user, state => state with { State = KnownResourceStates.Running });
        }
    }

    internal static void CreateUsersWhenReady(IDistributedApplicationBuilder builder, LocalRabbitMqResource server) =>
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (ready, ct) =>
            CreateUsersAsync(server, ready.Services.GetRequiredService<ResourceNotificationService>(), ct));
}
