using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TrustedOss.Data;

/// <summary>
/// Applies the service's versioned SQL migrations (DbUp, journal table <c>schemaversions</c>).
/// Replicas start together, so the run holds a PostgreSQL advisory lock: one replica migrates,
/// the others wait and then find nothing left to do.
/// </summary>
public sealed class DatabaseMigrator(
    IEnumerable<MigrationSource> sources, NpgsqlDataSource dataSource, IConfiguration configuration, TimeProvider time, ILogger<DatabaseMigrator> logger)
{
    // Any constant works; it only has to be the same for every replica of a service.
    private const long MigrationLockKey = 0x7472_7573_7465_64;
    private const int StartupTimeoutSeconds = 30;
    private const int WarmUpAttempts = 20;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var connectionName = sources.Select(s => s.ConnectionName).Distinct().Single();
        var connectionString = configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set.");

        // Replicas start together on a busy machine: the start-up connections get the patience
        // that a request, which must answer within its client's patience, does not.
        // Not pooled: used once at start, its connections would idle in a pool of their own for
        // minutes, taking server connections when every replica starts at once.
        var startup = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = StartupTimeoutSeconds, CommandTimeout = StartupTimeoutSeconds, Pooling = false,
        };
        await using var lockConnection = new NpgsqlConnection(startup.ConnectionString);
        await lockConnection.OpenAsync(cancellationToken);
        // Another replica may be migrating; waiting for it is expected, so no command deadline here.
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection) { CommandTimeout = 0 })
        {
            take.Parameters.AddWithValue("key", MigrationLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrader = DeployChanges.To.PostgresqlDatabase(startup.ConnectionString)
                .WithScriptsEmbeddedInAssemblies([.. sources.Select(s => s.Assembly).Distinct()], name => name.Contains(".Data.Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogTo(new UpgradeLog(logger))
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await WarmUpAsync(cancellationToken);
    }

    /// <summary>
    /// The pooled data source loads the server's type catalogue on its first connection, within a
    /// request's short connect timeout; on a machine busy with starting replicas that can take
    /// longer. It is done here, retried, so the first request does not pay for it.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < WarmUpAttempts)
            {
                logger.LogWarning("First connection to the database failed ({Reason}); trying again", ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), time, cancellationToken);
            }
        }
    }

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
#pragma warning disable CA2254 // DbUp hands us its own format strings.
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
#pragma warning restore CA2254
    }
}

/// <summary>
/// An assembly whose <c>Data/Migrations/*.sql</c> resources apply to a service's database: the
/// service's own, plus shared ones (the outbox) that the service opts into.
/// </summary>
public sealed record MigrationSource(string ConnectionName, Assembly Assembly);
