using Dapper;
using Npgsql;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Messaging.Outbox;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Running;

namespace TrustedOss.Scans.Data;

internal sealed class ScanStore(NpgsqlDataSource db, Outbox outbox, ScanCache cache, ScanChanges changes, TimeProvider time)
{
    private const string Columns = """
        id, project_id AS ProjectId, kind, status, ref, commit_sha AS CommitSha, trigger,
        requested_by_user_id AS RequestedByUserId, api_key_id AS ApiKeyId, delivery_id AS DeliveryId,
        created_at AS CreatedAt, started_at AS StartedAt, completed_at AS CompletedAt,
        error_code AS ErrorCode, error_message AS ErrorMessage, component_count AS ComponentCount
        """;

    /// <summary>
    /// The scan as the API shows it, with its project's team where stored: from this replica's
    /// <see cref="ScanCache"/> when it holds it (a pipeline polls the same scan until it ends),
    /// else from the database.
    /// </summary>
    public ValueTask<ScanCache.Entry?> ReadAsync(Guid id, CancellationToken cancellationToken) =>
        cache.ReadThroughAsync(id, this, static (store, id, ct) => store.FindAsync(id, ct), cancellationToken);

    /// <summary>The scan and, where it was stored, its project's team, as the database has it now.</summary>
    public async Task<ScanCache.Entry?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var found = await connection.QueryAsync<Scan, ScanTeam, ScanCache.Entry>(new CommandDefinition(
            $"SELECT {Columns}, team_id AS TeamId FROM scans WHERE id = @id", new { id }, cancellationToken: cancellationToken),
            (scan, team) => new ScanCache.Entry(scan, team?.TeamId), splitOn: "TeamId");
        return found.SingleOrDefault();
    }

    private sealed record ScanTeam(Guid? TeamId);

    /// <summary>
    /// The scans an API key triggered, newest first, each with its project's team where stored;
    /// those after <paramref name="after"/> (the last scan of the previous call) when given.
    /// </summary>
    public async Task<IReadOnlyList<(Scan Scan, Guid? TeamId)>> RecentOfKeyAsync(
        Guid apiKeyId, int limit, Scan? after, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var found = await connection.QueryAsync<Scan, ScanTeam, (Scan, Guid?)>(new CommandDefinition(
            $"""
            SELECT {Columns}, team_id AS TeamId FROM scans
            WHERE api_key_id = @apiKeyId AND (@afterId::uuid IS NULL OR (created_at, id) < (@afterCreatedAt, @afterId))
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """,
            new { apiKeyId, limit, afterId = after?.Id, afterCreatedAt = after?.CreatedAt }, cancellationToken: cancellationToken),
            (scan, team) => (scan, team?.TeamId), splitOn: "TeamId");
        return [.. found];
    }

    /// <summary>
    /// Stores the queued scans and their <see cref="ScanRequested"/> in one transaction; says, for
    /// each in order, whether it was stored. Not stored: a scan stored before (a redelivered
    /// message), and an API scan while a scan of its project and ref, however triggered, is queued or
    /// running (CONTRACT §3's 409; the unique index settles two API triggers racing). Webhook scans
    /// are exempt: the receiver has already promised the provider that scan.
    /// </summary>
    public async Task<bool[]> TryQueueAllAsync(IReadOnlyList<QueuedScan> queued, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Webhook scans first: an API trigger of the same ref in this batch then finds them active
        // (a statement does not see its own rows).
        var stored = new HashSet<Guid>();
        foreach (var group in queued.GroupBy(q => q.Scan.Trigger == ScanTrigger.Api).OrderBy(g => g.Key))
        {
            stored.UnionWith(await InsertAsync(transaction, [.. group], cancellationToken));
        }

        // A scan id twice in one batch (a message delivered twice) is stored once: only its first copy is told so.
        var isNew = queued.Select(q => stored.Remove(q.Scan.Id)).ToArray();
        await outbox.EnqueueAllAsync(transaction, [.. queued.Where((_, i) => isNew[i]).Select(q => new OutboxEntry(
            new ScanRequested(q.Scan.Id, q.Scan.ProjectId, q.RepositoryUrl, q.Scan.Ref, time.GetUtcNow()), q.TraceParent))], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Flush();
        return isNew;
    }

    /// <summary>The scans of <paramref name="queued"/> that were stored (see <see cref="TryQueueAllAsync"/>).</summary>
    private static async Task<IEnumerable<Guid>> InsertAsync(NpgsqlTransaction transaction, List<QueuedScan> queued, CancellationToken cancellationToken)
    {
        var scans = queued.Select(q => q.Scan).ToList();
        return await transaction.Connection!.QueryAsync<Guid>(new CommandDefinition(
            """
            INSERT INTO scans (id, project_id, team_id, kind, status, ref, commit_sha, trigger, requested_by_user_id, api_key_id,
                               delivery_id, created_at)
            SELECT q.* FROM unnest(@ids, @projectIds, @teamIds, @kinds, @statuses, @refs, @commitShas, @triggers, @userIds, @apiKeyIds,
                                   @deliveryIds, @createdAt)
                AS q(id, project_id, team_id, kind, status, ref, commit_sha, trigger, requested_by_user_id, api_key_id, delivery_id, created_at)
            WHERE q.trigger <> 'api' OR NOT EXISTS (
                SELECT 1 FROM scans s
                WHERE s.project_id = q.project_id AND coalesce(s.ref, '') = coalesce(q.ref, '') AND s.status IN ('queued', 'running'))
            -- Every batch takes its unique keys in one order, so two replicas' batches never deadlock.
            ORDER BY q.project_id, coalesce(q.ref, ''), q.id
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            new
            {
                ids = scans.Select(s => s.Id).ToArray(),
                projectIds = scans.Select(s => s.ProjectId).ToArray(),
                teamIds = queued.Select(q => q.TeamId).ToArray(),
                kinds = scans.Select(s => s.Kind).ToArray(),
                statuses = scans.Select(s => s.Status).ToArray(),
                refs = scans.Select(s => s.Ref).ToArray(),
                commitShas = scans.Select(s => s.CommitSha).ToArray(),
                triggers = scans.Select(s => s.Trigger).ToArray(),
                userIds = scans.Select(s => s.RequestedByUserId).ToArray(),
                apiKeyIds = scans.Select(s => s.ApiKeyId).ToArray(),
                deliveryIds = scans.Select(s => s.DeliveryId).ToArray(),
                createdAt = scans.Select(s => s.CreatedAt).ToArray(),
            },
            transaction, cancellationToken: cancellationToken));
    }

    /// <summary>A queued or running scan of the project at the ref, whatever triggered it.</summary>
    public async Task<Guid?> ActiveScanAsync(Guid projectId, string? gitRef, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(
            """
            SELECT id FROM scans
            WHERE project_id = @projectId AND coalesce(ref, '') = coalesce(@gitRef, '')
              AND status IN ('queued', 'running')
            ORDER BY created_at
            """,
            new { projectId, gitRef }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Moves a queued scan to running for the delivery of <paramref name="messageId"/>; also true for
    /// a redelivery of that same message while the scan is still running (its run was cut short).
    /// False when the scan has ended or another message started it. The first run's start is kept:
    /// a scan whose run stops the service each time (out of memory) is failed by the reaper
    /// <see cref="Running.ScanRunnerOptions.RunningLease"/> after it, not run again for ever.
    /// </summary>
    public async Task<bool> TryStartAsync(Guid id, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var started = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE scans SET status = 'running', started_at = @now, first_started_at = coalesce(first_started_at, @now), run_message_id = @messageId
            WHERE id = @id AND (status = 'queued' OR (status = 'running' AND run_message_id = @messageId))
            """,
            new { id, messageId, now = time.UtcNowForDatabase() }, cancellationToken: cancellationToken)) == 1;
        if (started)
        {
            _ = changes.Announce(id);
        }

        return started;
    }

    private const int SbomWriteTimeoutSeconds = 60;

    /// <summary>Ends a running scan succeeded, with its document, in one transaction.</summary>
    public async Task SucceedAsync(Guid id, string commitSha, string resolvedRef, InventoryOutcome inventory, CancellationToken cancellationToken)
    {
        var now = time.UtcNowForDatabase();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE scans SET status = 'succeeded', completed_at = @now, commit_sha = @commitSha, ref = coalesce(ref, @resolvedRef),
                             component_count = @componentCount
            WHERE id = @id AND status = 'running'
            """,
            new { id, commitSha, resolvedRef, componentCount = inventory.ComponentCount, now }, transaction, cancellationToken: cancellationToken));
        if (updated == 1)
        {
            // A document of many megabytes takes longer to send than the usual command is allowed.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO scan_sboms (scan_id, document, etag, created_at) VALUES (@id, @document, @etag, @now)",
                new { id, document = inventory.Sbom, etag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(inventory.Sbom)), now },
                transaction, SbomWriteTimeoutSeconds, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        _ = changes.Announce(id);
    }

    /// <summary>The ETag of the scan's document, or null when it has none.</summary>
    public async Task<string?> EtagOfSbomAsync(Guid scanId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT etag FROM scan_sboms WHERE scan_id = @scanId", new { scanId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The scan's document, copied from the database into a temporary file that is already
    /// unlinked (nothing is left behind, even by a crash); null when there is none. The connection
    /// goes back to the pool before the client reads a byte: streamed straight to a client that
    /// reads slowly, each download would hold a connection for as long as it pleases, and a hundred
    /// of them would take the whole pool.
    /// </summary>
    public async Task<Stream?> SpoolSbomAsync(Guid scanId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT document FROM scan_sboms WHERE scan_id = @scanId", connection);
        command.Parameters.AddWithValue("scanId", scanId);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var path = Path.Combine(Path.GetTempPath(), $"trustedoss-sbom-{Guid.NewGuid():N}");
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        File.Delete(path);
        try
        {
            await using var document = await reader.GetStreamAsync(0, cancellationToken);
            await document.CopyToAsync(spool, cancellationToken);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    public async Task FailAsync(Guid id, ScanError error, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE scans SET status = 'failed', completed_at = @now, error_code = @Code, error_message = @Message
            WHERE id = @id AND status = 'running'
            """,
            new { id, error.Code, error.Message, now = time.UtcNowForDatabase() }, cancellationToken: cancellationToken));
        _ = changes.Announce(id);
    }

    /// <summary>
    /// How many abandoned scans one round of the reaper reads or fails at most: after a long outage
    /// thousands may be due, and one statement failing them all could outlast the command timeout
    /// round after round.
    /// </summary>
    private const int AbandonedBatch = 500;

    /// <summary>A scan that was failed because its runner was gone: its id, project and the ref it was queued for.</summary>
    public sealed record AbandonedScan(Guid Id, Guid ProjectId, string? Ref);

    /// <summary>Fails the scans whose runner is gone: running since before <paramref name="runningSince"/> (from their first start). Returns them.</summary>
    public async Task<IReadOnlyList<AbandonedScan>> FailInterruptedAsync(DateTime runningSince, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await FailAsync(connection, """
            SELECT id FROM scans
            WHERE status = 'running' AND coalesce(first_started_at, started_at) < @runningSince
            LIMIT @batch FOR UPDATE SKIP LOCKED
            """, new { runningSince, batch = AbandonedBatch }, cancellationToken);
    }

    /// <summary>
    /// The scans queued since before <paramref name="queuedSince"/> whose request has gone out (a
    /// request still in the outbox, RabbitMQ down all along, is no sign of a lost one: the scan
    /// starts when it goes out). Each may be waiting in the queue, held by a runner, or lost:
    /// <see cref="StaleScanReaper"/> tells which.
    /// </summary>
    public async Task<Guid[]> QueuedPastAsync(DateTime queuedSince, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            SELECT id FROM scans
            WHERE status = 'queued' AND created_at < @queuedSince
                AND NOT EXISTS (SELECT 1 FROM outbox_messages o
                    WHERE o.failed_at IS NULL AND o.message_type = @requestType AND o.body->>'ScanId' = scans.id::text)
            LIMIT @batch
            """,
            new { queuedSince, batch = AbandonedBatch, requestType = typeof(ScanRequested).FullName },
            cancellationToken: cancellationToken))];
    }

    /// <summary>Fails those of <paramref name="ids"/> still queued as never started, and returns them.</summary>
    public async Task<IReadOnlyList<AbandonedScan>> FailNeverStartedAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await FailAsync(connection, "SELECT id FROM scans WHERE id = ANY(@ids) AND status = 'queued' FOR UPDATE SKIP LOCKED",
            new { ids = ids.ToArray() }, cancellationToken);
    }

    /// <summary>Fails the scans <paramref name="dueSql"/> selects, each with the message its state calls for, and announces each.</summary>
    private async Task<IReadOnlyList<AbandonedScan>> FailAsync(NpgsqlConnection connection, string dueSql, object parameters, CancellationToken cancellationToken)
    {
        var arguments = new DynamicParameters(parameters);
        arguments.Add("now", time.UtcNowForDatabase());
        IReadOnlyList<AbandonedScan> failed = [.. await connection.QueryAsync<AbandonedScan>(new CommandDefinition(
            $"""
            WITH due AS ({dueSql})
            UPDATE scans SET status = 'failed', completed_at = @now,
                error_code = CASE status WHEN 'running' THEN 'interrupted' ELSE 'never_started' END,
                error_message = CASE status
                WHEN 'running' THEN 'The scan was interrupted before it finished (its runner stopped). Trigger it again.'
                ELSE 'The scan was never started. Trigger it again.' END
            FROM due WHERE scans.id = due.id
            RETURNING scans.id, scans.project_id AS ProjectId, scans.ref
            """,
            arguments, cancellationToken: cancellationToken))];
        foreach (var scan in failed)
        {
            _ = changes.Announce(scan.Id);
        }

        return failed;
    }
}

/// <summary>A scan to queue, its project's team (where known), the repository it scans, and the trace its <see cref="ScanRequested"/> continues.</summary>
internal sealed record QueuedScan(Scan Scan, Guid? TeamId, string RepositoryUrl, string? TraceParent);
