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
        await using var connection = new NpgsqlConnection(await system.ConnectionStringAsync(database));
        await connection.OpenAsync();

        // The migration journal shows the service ran its versioned scripts here.
        await using var journal = new NpgsqlCommand("SELECT count(*) FROM schemaversions", connection);
        Assert.True((long)(await journal.ExecuteScalarAsync())! >= 1);
        Assert.True(await TableExistsAsync(connection, ownTable));
        Assert.False(await TableExistsAsync(connection, foreignTable));
    }

    [Theory]
    [InlineData("TrustedOss.Keys")]
    [InlineData("TrustedOss.WebhookIngest")]
    [InlineData("TrustedOss.Scans")]
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
