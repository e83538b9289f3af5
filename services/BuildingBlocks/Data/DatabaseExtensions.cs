using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Data;

public static class DatabaseExtensions
{
    /// <summary>
    /// The service's own PostgreSQL database: a pooled <see cref="NpgsqlDataSource"/> with
    /// tracing, metrics and a health check, and the migrations embedded in <paramref name="migrations"/>
    /// (resources under <c>Data/Migrations/</c>) applied before the service takes traffic.
    /// </summary>
    public static TBuilder AddServiceDatabase<TBuilder>(this TBuilder builder, string connectionName, Assembly migrations)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: dataSource =>
        {
            dataSource.ConnectionStringBuilder.CommandTimeout = options.CommandTimeoutSeconds;
            dataSource.ConnectionStringBuilder.Timeout = options.ConnectTimeoutSeconds;
            dataSource.ConnectionStringBuilder.MaxPoolSize = options.MaxPoolSize;
            // After the cancel request, drop the connection at once instead of waiting up to two
            // more seconds for the server's reply to it: a stalled server sends none.
            dataSource.ConnectionStringBuilder.CancellationTimeout = -1;
            // No keep-alive on idle connections: with it, the system tests saw Npgsql lose track of
            // the protocol on a pooled connection seconds after others were ended ("unexpected backend
            // message DataRow"). A
            // connection the server ended is found by the first request that takes it instead, which
            // empties the pool (AfterOutage).
            // A service runs a few dozen distinct statements, each many times: prepared on each
            // pooled connection after its second use, the server parses and plans it once, not
            // on every request (docs/benchmarks.md).
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
            dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            // No command changes session state (no SET, LISTEN or session locks on pooled
            // connections; the migrator's lock has its own connection), so a connection going back
            // to the pool needs no reset statement on its next use.
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            dataSource.ConfigureTracing(tracing => tracing
                // Only commands that are part of a request or message get spans: background polls
                // (the outbox relay, usage recording) would otherwise fill the dashboard with one-span traces.
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null)
                .EnablePhysicalOpenTracing(false));
        });
        builder.Services.AddSingleton(services => new ExceptionAnswer(exception => exception switch
        {
            // 22021/22P05: text with NUL or characters the database cannot store is the client's 422.
            PostgresException { SqlState: "22021" or "22P05" } =>
                ApiProblems.Validation("body", "Text fields may not contain NUL or other characters that cannot be stored."),
            _ when DatabaseOutage.Is(exception) => AfterOutage(exception, services.GetRequiredService<NpgsqlDataSource>()),
            _ => null,
        }));
        builder.Services.AddSingleton(new MigrationSource(connectionName, migrations));
        builder.Services.AddSingleton<DatabaseMigrator>();
        return builder;
    }

    /// <summary>
    /// The 503 of an outage, after emptying the pool when the connection was lost: when the server
    /// went away (a restart, a failover) every idle connection went with it, and each would otherwise
    /// fail one more request. Connections in use are dropped as they come back. Any other outage (a
    /// timeout, too many connections, a deadlock) leaves the pool as it is: its connections are good,
    /// and emptying it would make every next request open a connection of its own, on a server
    /// already too slow or too full to answer the last one.
    /// </summary>
    private static ApiProblem AfterOutage(Exception exception, NpgsqlDataSource db)
    {
        if (DatabaseOutage.LostConnection(exception))
        {
            db.Clear();
        }

        return ExceptionAnswer.Outage();
    }

    public static Task MigrateDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default) =>
        app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
}
