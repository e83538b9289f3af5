using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TrustedOss.Contracts;
using TrustedOss.Redis;
using TrustedOss.Scans.Data;
using TrustedOss.Scans.Running;
using TrustedOss.TestSupport;

namespace TrustedOss.Scans.Tests;

/// <summary>The active-scan notes that webhook deliveries read, against a real Redis.</summary>
public sealed class ActiveScansTests : IAsyncLifetime
{
    private static readonly Guid Project = Guid.NewGuid();

    private RedisServer server = null!;
    private ConnectionMultiplexer redis = null!;
    private ActiveScans active = null!;

    /// <summary>A database no command reaches (nothing listens there).</summary>
    private readonly Npgsql.NpgsqlDataSource database = Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Username=none");

    public async Task InitializeAsync()
    {
        server = await RedisServer.StartAsync();
        redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        // Redis answers every command here, so no note is ever kept in the database for later (the system tests cover that).
        active = new ActiveScans(redis, new RedisDeadline(Options.Create(new RedisDeadlineOptions { RequestDeadline = TimeSpan.FromSeconds(5) }), TimeProvider.System),
            new ActiveNoteClears(database, TimeProvider.System), NullLogger<ActiveScans>.Instance);
    }

    public async Task DisposeAsync()
    {
        await redis.DisposeAsync();
        await database.DisposeAsync();
        server.Dispose();
    }

    [Fact]
    public async Task A_queued_scan_is_noted_for_its_ref_until_it_ends()
    {
        var scan = Queued("main");

        await active.StartedAsync(scan);
        var noted = await NotedAsync("main");
        await active.EndedAsync(scan.Id, Project, "main");

        Assert.Equal(scan.Id.ToString(), noted);
        Assert.Null(await NotedAsync("main"));
    }

    [Fact]
    public async Task A_scan_that_ended_before_its_note_was_written_is_not_noted()
    {
        // The runner can fail a scan (a ref that is not there) before the consumer that queued it writes its note.
        var scan = Queued("missing");

        await active.EndedAsync(scan.Id, Project, "missing");
        await active.StartedAsync(scan);

        Assert.Null(await NotedAsync("missing"));
        Assert.True(await redis.GetDatabase().KeyTimeToLiveAsync(ActiveScanMarker.EndedKey(Project, scan.Id)) <= ActiveScanMarker.EndedLifetime);
    }

    [Fact]
    public async Task An_ended_scan_leaves_a_later_scan_of_its_ref_noted()
    {
        var (earlier, later) = (Queued("feature"), Queued("feature"));

        await active.StartedAsync(earlier);
        await active.StartedAsync(later);
        await active.EndedAsync(earlier.Id, Project, "feature");

        Assert.Equal(later.Id.ToString(), await NotedAsync("feature"));
    }

    [Fact]
    public async Task A_note_expires_by_itself()
    {
        var scan = Queued(null);

        await active.StartedAsync(scan);
        var lifetime = await redis.GetDatabase().KeyTimeToLiveAsync(ActiveScanMarker.Key(Project, null));

        Assert.InRange(lifetime!.Value, ActiveScanMarker.Lifetime - TimeSpan.FromMinutes(1), ActiveScanMarker.Lifetime);
    }

    private async Task<string?> NotedAsync(string? gitRef) => await redis.GetDatabase().StringGetAsync(ActiveScanMarker.Key(Project, gitRef));

    private static Scan Queued(string? gitRef) => new(
        Guid.NewGuid(), Project, ScanKind.Source, ScanStatus.Queued, gitRef, CommitSha: null, ScanTrigger.Webhook, RequestedByUserId: null,
        ApiKeyId: null, DeliveryId: null, CreatedAt: DateTime.UtcNow, StartedAt: null, CompletedAt: null, ErrorCode: null, ErrorMessage: null,
        ComponentCount: null);
}
