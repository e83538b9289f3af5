using Npgsql;
using StackExchange.Redis;
using TrustedOss.AppHost;

using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>Each service owns its database (and only its own) and uses the shared Redis.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class ServiceDataTests(SystemFixture system)
{
    [Theory]
    [InlineData(ResourceNames.KeysDatabase, "users", "scans")]
    [InlineData(ResourceNames.WebhooksDatabase, "webhook_deliveries", "users")]
    [InlineData(ResourceNames.ScansDatabase, "scans", "webhook_deliveries")]
    public async Task Each_service_migrated_its_own_database(string database, string ownTable, string foreignTable)
    {
        await using var connection = await system.OpenDatabaseAsync(database);

        // The migration journal shows the service ran its versioned scripts here.
        await using var journal = new NpgsqlCommand("SELECT count(*) FROM schemaversions", connection);
        Assert.True((long)(await journal.ExecuteScalarAsync())! >= 1);
        Assert.True(await TableExistsAsync(connection, ownTable));
        Assert.False(await TableExistsAsync(connection, foreignTable));
    }

    [Theory]
    [InlineData(ResourceNames.ScansDatabase, "keys")]
    [InlineData(ResourceNames.WebhooksDatabase, "scans")]
    [InlineData(ResourceNames.KeysDatabase, "webhooks")]
    public async Task A_services_database_user_cannot_reach_another_services_database(string ownDatabase, string otherDatabase)
    {
        var own = new NpgsqlConnectionStringBuilder(await system.ConnectionStringAsync(ownDatabase));
        Assert.Equal(own.Database, own.Username);
        Assert.NotEqual("postgres", own.Username);

        var elsewhere = new NpgsqlConnectionStringBuilder(own.ConnectionString) { Database = otherDatabase };
        await using var connection = new NpgsqlConnection(elsewhere.ConnectionString);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task A_services_database_user_is_no_superuser_and_owns_its_tables()
    {
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase);

        await using var role = new NpgsqlCommand("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user", connection);
        Assert.False((bool)(await role.ExecuteScalarAsync())!);
        await using var owners = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user", connection);
        Assert.Equal(0L, (long)(await owners.ExecuteScalarAsync())!);
        // The superuser's role is out of reach too.
        await using var becomeSuperuser = new NpgsqlCommand("SET ROLE postgres", connection);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => becomeSuperuser.ExecuteNonQueryAsync())).SqlState);
    }

    [Theory]
    // The gateway reads API-key entries but only Keys writes them.
    [InlineData(ResourceNames.GatewayRedis, "api-keys:tos_0000", true, false)]
    [InlineData(ResourceNames.KeysRedis, "api-keys:tos_0000", true, true)]
    // Webhook-Ingest reads the Scan service's active-scan notes; only Scans writes them.
    [InlineData(ResourceNames.WebhookIngestRedis, "active-scan:0000", true, false)]
    [InlineData(ResourceNames.ScansRedis, "active-scan:0000", true, true)]
    // Nobody but Keys reaches login counters; nobody but the gateway its failed-key counters.
    [InlineData(ResourceNames.ScansRedis, "login-failures:0000", false, false)]
    [InlineData(ResourceNames.GatewayRedis, "login-failures:0000", false, false)]
    [InlineData(ResourceNames.KeysRedis, "auth-failures:0000", false, false)]
    public async Task Each_process_reaches_only_its_own_redis_keys(string user, string key, bool mayRead, bool mayWrite)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(user));
        var database = redis.GetDatabase();

        Assert.Equal(mayRead, await AllowedAsync(() => database.StringGetAsync(key)));
        Assert.Equal(mayWrite, await AllowedAsync(() => database.StringSetAsync($"{key}-test-{Guid.NewGuid():N}", "x", TimeSpan.FromSeconds(5))));
        // Administration is nobody's: no service can wipe or reconfigure the shared server.
        Assert.False(await AllowedAsync(() => database.ExecuteAsync("FLUSHALL")));
    }

    private static async Task<bool> AllowedAsync(Func<Task> command)
    {
        try
        {
            await command();
            return true;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOPERM", StringComparison.Ordinal))
        {
            return false;
        }
    }

    [Theory]
    [InlineData("TrustedOss.Keys")]
    [InlineData("TrustedOss.WebhookIngest")]
    [InlineData("TrustedOss.Scans")]
    [InlineData("TrustedOss.Web")]
    public async Task Each_service_registers_its_live_replicas_in_redis(string service)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        var server = redis.GetServers().Single();

        var keys = await Eventually.ValueAsync(
            () => Task.FromResult(server.Keys(pattern: $"instances:{service}:*").Select(k => k.ToString()).ToList() is { Count: 2 } found ? found : null),
            TimeSpan.FromSeconds(30), $"both replicas of {service} in Redis");
        var key = keys[0];

        var value = await redis.GetDatabase().StringGetAsync(key);
        Assert.Contains($"\"service\":\"{service}\"", value.ToString(), StringComparison.Ordinal);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        command.Parameters.AddWithValue("table", table);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
