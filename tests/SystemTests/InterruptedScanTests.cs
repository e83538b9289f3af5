using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>A scan whose runner died must not stay "running" (and block its project's ref) forever.</summary>
[Collection(SystemTestGroup.Name)]
public sealed class InterruptedScanTests(SystemFixture system)
{
    [Fact]
    public async Task A_scan_left_running_past_its_lease_is_failed_and_a_fresh_one_is_not()
    {
        var projectId = Guid.NewGuid();
        var stale = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(await system.ConnectionStringAsync(ResourceNames.ScansDatabase));
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO scans (id, project_id, kind, status, ref, trigger, created_at, started_at) VALUES
                (@stale, @projectId, 'source', 'running', 'main', 'api', now() - interval '2 hours', now() - interval '2 hours'),
                (@fresh, @projectId, 'source', 'running', 'dev', 'api', now(), now())
            """, connection))
        {
            insert.Parameters.AddWithValue("stale", stale);
            insert.Parameters.AddWithValue("fresh", fresh);
            insert.Parameters.AddWithValue("projectId", projectId);
            await insert.ExecuteNonQueryAsync();
        }

        var message = await Eventually.ValueAsync(() => FailureAsync(connection, stale), TimeSpan.FromSeconds(30), "the stale scan to be failed");

        Assert.Contains("interrupted", message, StringComparison.Ordinal);
        Assert.Null(await FailureAsync(connection, fresh));
    }

    private static async Task<string?> FailureAsync(NpgsqlConnection connection, Guid scanId)
    {
        await using var query = new NpgsqlCommand("SELECT error_message FROM scans WHERE id = @id AND status = 'failed'", connection);
        query.Parameters.AddWithValue("id", scanId);
        return await query.ExecuteScalarAsync() as string;
    }
}
