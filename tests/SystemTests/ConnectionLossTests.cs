using System.Net;
using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// PostgreSQL ends a service's connections (as a restart, a failover or an operator's
/// pg_terminate_backend does): requests that meet one of them get a 503 with Retry-After, never a
/// 500; the first such answer empties the pool, so the requests after them all succeed.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class ConnectionLossTests(SystemFixture system, Xunit.Abstractions.ITestOutputHelper output)
{

    private readonly Api api = new(system);

    [Fact]
    public async Task Connections_the_server_ended_cost_at_most_503s_and_leave_the_pool_at_the_first()
    {
        var team = await api.TeamAsync();
        var project = await api.ProjectAsync(team, GitRepository.NeverContacted("org/connection-loss"));
        using var reader = api.With(await api.UserAsync(team, "team_admin"));
        // Reads of the Keys service's own database, a dozen at once: its pool holds that many connections.
        string[] reads = [$"/v1/api-keys?project_id={project.Id}", $"/v1/projects/{project.Id}"];
        Assert.All(await ReadBurst.RunAsync(reader, reads), answer => Assert.Equal(HttpStatusCode.OK, answer.Status));

        int ended;
        await using (var connection = await system.OpenDatabaseAsync(ResourceNames.KeysDatabase))
        {
            await using var command = new NpgsqlCommand("""
                SELECT count(*)::int FROM (
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()) AS ended
                """, connection);
            ended = (int)(await command.ExecuteScalarAsync())!;
        }

        var meeting = await ReadBurst.RunAsync(reader, reads);
        var after = await ReadBurst.RunAsync(reader, reads);

        output.WriteLine($"{ended} connections ended; then {string.Join(", ", meeting.GroupBy(a => (int)a.Status).Select(g => $"{g.Count()}×{g.Key}"))}");
        Assert.True(ended > 0, "the Keys service held no connection to end");
        Assert.All(meeting, answer => Assert.True(answer.Status == HttpStatusCode.OK || (answer.Status == HttpStatusCode.ServiceUnavailable && answer.RetryAfter),
            $"{answer.Path}: {(int)answer.Status}"));
        ReadBurst.AssertAllSucceed(after);
    }
}
