using Npgsql;
using StackExchange.Redis;
using TrustedOss.AppHost;
using TrustedOss.Contracts;
using TrustedOss.SystemTests.Support;
using TrustedOss.TestSupport;

namespace TrustedOss.SystemTests;

/// <summary>
/// The note that a scan of a project and ref is going (webhook deliveries for the ref are answered
/// skipped_active_scan while it is there) outlives no scan for long, even one that ends while Redis
/// does not take the Scan service's commands.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class ActiveScanNoteTests(SystemFixture system) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Api api = new(system);
    private readonly Webhooks webhooks = new(system, new Api(system));

    public void Dispose() => webhooks.Dispose();

    [Fact]
    public async Task A_note_Redis_did_not_remove_when_its_scan_ended_is_removed_once_Redis_takes_commands_again()
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        var secret = await webhooks.SetAsync(project.Id, "github");
        using var pipeline = api.With(await api.AdminKeyAsync("project", projectId: project.Id));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync(ResourceNames.Redis));
        var note = ActiveScanMarker.Key(project.Id, "main");

        // RabbitMQ paused: the trigger is accepted and noted, but its scan cannot start yet.
        Scans.Scan scan;
        await using (await ServerPause.StartAsync(system, ResourceNames.RabbitMq))
        {
            scan = await Scans.TriggeredAsync(pipeline, project.Id, new { kind = "source", @ref = "main" });
            Assert.Equal(scan.Id.ToString(), (string?)await redis.GetDatabase().StringGetAsync(note));
            // Then Redis stops taking the Scan service's connections (as if it were unreachable: a
            // paused Redis would still run its commands once resumed) and RabbitMQ comes back: the
            // scan runs and ends while its note cannot be removed.
            await ScanServiceAsync(redis, allowed: false);
        }

        try
        {
            await Eventually.ValueAsync(() => StatusAsync(scan.Id, "SELECT status FROM scans WHERE id = @scanId AND status IN ('succeeded', 'failed')"),
                Patience, "the scan to end");
            await Eventually.ValueAsync(() => StatusAsync(scan.Id, "SELECT 'kept' FROM active_note_clears WHERE scan_id = @scanId"),
                Patience, "the note to be kept for removal");
            Assert.True(await redis.GetDatabase().KeyExistsAsync(note));
        }
        finally
        {
            await ScanServiceAsync(redis, allowed: true);
        }

        await Eventually.ValueAsync(async () => await redis.GetDatabase().KeyExistsAsync(note) ? null : "gone", Patience, "the note to be removed");
        var push = await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push",
            Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: repository.HeadSha)));
        Assert.Equal("enqueued", push.Status);
        // The note is removed just before its row is.
        await Eventually.ValueAsync(async () => await StatusAsync(scan.Id, "SELECT 'kept' FROM active_note_clears WHERE scan_id = @scanId") is null ? "" : null,
            Patience, "the kept note's row to be removed");
    }

    /// <summary>
    /// Lets the Scan service's Redis user in, or not: turned off, its connections are ended and
    /// new ones refused, which the service sees as Redis out of reach. (A command its ACL lacks
    /// would be a defect, not an outage.)
    /// </summary>
    private static async Task ScanServiceAsync(ConnectionMultiplexer redis, bool allowed)
    {
        var database = redis.GetDatabase();
        await database.ExecuteAsync("ACL", "SETUSER", "scans", allowed ? "on" : "off");
        if (!allowed)
        {
            await database.ExecuteAsync("CLIENT", "KILL", "USER", "scans");
        }
    }

    private async Task<string?> StatusAsync(Guid scanId, string query)
    {
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.AddWithValue("scanId", scanId);
        return (string?)await command.ExecuteScalarAsync();
    }
}
