using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>A PostgreSQL server run from the machine's own packages (no container engine needed).</summary>
public sealed class LocalPostgresResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    internal List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.IPV4Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");
}

/// <summary>
/// One service's database on a <see cref="LocalPostgresResource"/>, with a login role of its own
/// (named as the database) that owns it and can connect to nothing else: a service's credentials
/// never reach another service's data. Created when the server is ready.
/// </summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresResource parent, ParameterResource password)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    /// <summary>The role the service logs in as: the database's owner.</summary>
    public string UserName => DatabaseName;

    public ParameterResource Password { get; } = password;

    public LocalPostgresResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Parent.Endpoint.Property(EndpointProperty.IPV4Host)};Port={Parent.Endpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password};Database={DatabaseName}");
}

public static class LocalPostgresExtensions
{
    private const int DefaultPort = 5432;

    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, LocalServerFiles? files)
    {
        var passwordName = $"{name}-password";
        if (files is null)
        {
            // Publish mode: a deployment supplies the server and its password.
            var publishPassword = builder.AddParameter(passwordName, secret: true);
            return builder.AddResource(new LocalPostgresResource(name, "postgres", ".", publishPassword.Resource))
                .WithArgs("-D", "/var/lib/postgresql/data", "-p", DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEndpoint(port: DefaultPort, targetPort: DefaultPort, name: LocalPostgresResource.EndpointName, scheme: "tcp", isProxied: false);
        }

        var secret = files.Secret(passwordName);
        var password = builder.AddParameter(passwordName, secret, secret: true);
        var dataDirectory = files.Folder(name);
        var bin = PostgresBinaries();
        InitializeOnce(bin, dataDirectory, secret);

        var port = LocalServerFiles.FreePort();
        string[] serverArguments =
        [
            Path.Combine(bin, "postgres"),
            "-D", dataDirectory,
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // No Unix socket: every connection is TCP on loopback, and a socket's path is limited
            // to 107 bytes, which a checkout folder deep enough would pass.
            "-c", "unix_socket_directories=",
            "-c", "listen_addresses=127.0.0.1",
        ];
        var (command, arguments) = AsServerUser(serverArguments);
        var server = new LocalPostgresResource(name, command, dataDirectory, password.Resource);
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (ready, ct) =>
            CreateDatabasesAsync(server, ready.Services.GetRequiredService<ResourceNotificationService>(), ct));

        return builder.AddResource(server)
            .WithArgs(arguments)
            .WithEndpoint(port: port, targetPort: port, name: LocalPostgresResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithProbe(async (connectionString, ct) =>
            {
                await using var connection = LocalPostgresDatabases.Unpooled(connectionString, "postgres");
                await connection.OpenAsync(ct);
            });
    }

    /// <summary>A database and its own role; the role's password is generated per data folder (a parameter in the manifest).</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresResource> server, string name, string databaseName, LocalServerFiles? files)
    {
        var password = server.ApplicationBuilder.AddGeneratedSecret($"{name}-password", files);
        var database = new LocalPostgresDatabaseResource(name, databaseName, server.Resource, password.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("database", database.DatabaseName)],
            })
            .WithProbe(async (connectionString, ct) =>
            {
                await using var connection = LocalPostgresDatabases.Unpooled(connectionString);
                await connection.OpenAsync(ct);
            });
    }

    /// <summary>Debian installs each major version under /usr/lib/postgresql/N/bin; take the newest.</summary>
    private static string PostgresBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault() ?? throw MissingPackage()
            : throw MissingPackage();

    private static InvalidOperationException MissingPackage() =>
        new("PostgreSQL is not installed: run scripts/install-prerequisites.sh (apt-get install postgresql).");

    /// <summary>
    /// PostgreSQL refuses to run as root: root runs it as the package's <c>postgres</c> user through
    /// setpriv (which replaces itself, so no wrapper process is left); anyone else runs it as themselves.
    /// </summary>
    private static (string Command, string[] Arguments) AsServerUser(string[] command) =>
        LocalServerFiles.RunsAsRoot
            ? ("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", .. command])
            : (command[0], command[1..]);

    private static void InitializeOnce(string bin, string dataDirectory, string password)
    {
        OwnedByServer(dataDirectory);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        // initdb writes PG_VERSION long before it is done: a first start stopped during it would
        // leave a half-made cluster that looks made. It is made beside the data folder instead and
        // moved in place once complete; a staging folder left by a stopped start is made again.
        var staging = dataDirectory + ".initdb";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        OwnedByServer(staging);

        // In the temporary folder, which the server's own user can reach (the secrets folder is
        // the AppHost user's alone), readable by nobody else.
        var passwordFile = Path.Combine(Path.GetTempPath(), $"pg-{Guid.NewGuid():N}");
        LocalServerFiles.WritePrivate(passwordFile, password);
        try
        {
            if (LocalServerFiles.RunsAsRoot)
            {
                LocalServerFiles.Run("chown", "postgres:postgres", passwordFile);
            }

            var (command, arguments) = AsServerUser([Path.Combine(bin, "initdb"), "-D", staging, "-U", LocalPostgresResource.UserName,
                "--pwfile", passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]);
            LocalServerFiles.Run(command, arguments);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Holds no cluster (no PG_VERSION): at most what an initdb stopped early left in it.
        Directory.Delete(dataDirectory, recursive: true);
        Directory.Move(staging, dataDirectory);
    }

    /// <summary>The server's user's alone (0700): PostgreSQL refuses a data folder others may enter.</summary>
    private static void OwnedByServer(string folder)
    {
        if (LocalServerFiles.RunsAsRoot)
        {
            LocalServerFiles.Run("chown", "postgres:postgres", folder);
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// Creates each missing database and its role (see <see cref="LocalPostgresDatabases"/>), then
    /// marks it Running: a database has no process of its own, so nothing else would move it out of
    /// Waiting (and its health checks only start once it runs).
    /// </summary>
    private static async Task CreateDatabasesAsync(LocalPostgresResource server, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
        foreach (var database in server.Databases)
        {
            var password = await database.Password.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{database.Name} has no password.");
            await LocalPostgresDatabases.EnsureAsync(connectionString!, database.DatabaseName, database.UserName, password, cancellationToken);
            await notifications.PublishUpdateAsync(database, state => state with { State = KnownResourceStates.Running });
        }
    }
}
