using Npgsql;

namespace TrustedOss.Messaging.Outbox;

/// <summary>One outbox row as the relay took it.</summary>
internal sealed record ClaimedMessage(long Id, string Type, string Body, string? TraceParent);

/// <summary>
/// A relay's claim, for <paramref name="For"/>, on the rows of a batch RabbitMQ had not answered for
/// within the batch's transaction; <paramref name="Id"/> tells its rows from those another relay
/// claimed since.
/// </summary>
internal readonly record struct Claim(Guid Id, TimeSpan For)
{
    public static Claim New(TimeSpan @for) => new(Guid.NewGuid(), @for);
}

/// <summary>
/// What became of a batch so far: each row is in at most one list. <see cref="Waiting"/> holds the
/// rows RabbitMQ has not answered for yet, which the relay goes on waiting for without its transaction.
/// </summary>
internal sealed record BatchOutcome(long[] Sent, long[] Returned, long[] Unconfirmed, IReadOnlyList<(long Id, string Error)> SetAside)
{
    public long[] Waiting { get; init; } = [];
}

/// <summary>
/// The relay's statements. A batch is taken under row locks in a transaction and, in the normal
/// case, settled in the same transaction a few milliseconds later. When RabbitMQ is slow to
/// answer, the rows still waiting are claimed instead (not due again until the claim runs out) and
/// the transaction ends: no connection or transaction is held while a broker that is slow or down
/// for hours makes the relay wait, and vacuum is never held back behind the relay.
/// </summary>
internal sealed class OutboxClaims(NpgsqlDataSource db)
{
    /// <summary>The oldest due rows of the given types, locked in <paramref name="transaction"/>; other replicas skip them.</summary>
    public static async Task<IReadOnlyList<ClaimedMessage>> TakeAsync(
        NpgsqlTransaction transaction, string[] types, int batchSize, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            """
            SELECT id, message_type, body::text, trace_parent FROM outbox_messages
            WHERE failed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                AND message_type = ANY(@types)
            ORDER BY id LIMIT @batch FOR UPDATE SKIP LOCKED
            """,
            transaction.Connection, transaction);
        select.Parameters.AddWithValue("batch", batchSize);
        // Only the types this version can read: in a rolling upgrade, a message of a type only
        // the new version knows (ScanRequestedV2) is left for a replica of the new version,
        // not set aside by one of the old.
        select.Parameters.AddWithValue("types", types);
        var taken = new List<ClaimedMessage>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            taken.Add(new ClaimedMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return taken;
    }

    /// <summary>
    /// Settles a batch in <paramref name="transaction"/>, its own, which holds the rows' locks:
    /// deletes what RabbitMQ confirmed, puts off what it returned (a little longer each time, up to
    /// a minute), makes what it did not confirm due again at once, sets aside what can never be
    /// read, and claims what is still waiting: were this relay to stop before settling those, they
    /// fall due again when the claim runs out and are sent then. One round trip of only the
    /// statements needed (usually the delete alone).
    /// </summary>
    public static async Task SettleAsync(BatchOutcome outcome, Claim claim, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var settle = new NpgsqlBatch(transaction.Connection, transaction);
        // Need not wait for the disk: were the settling lost in a crash, the batch would be sent
        // again, which consumers already take in their stride. Every commit of the service's own
        // changes still waits.
        settle.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
        await ExecuteAsync(settle, outcome, claim, claimedOnly: false, cancellationToken);
    }

    /// <summary>
    /// Settles the rows this relay claimed, once RabbitMQ has answered for them or the wait is
    /// over, on a connection of its own. Only rows still under <paramref name="claim"/> change: a
    /// relay that settles after its claim ran out (stalled, paused) leaves alone a row another
    /// replica has taken since, rather than clearing that one's claim for a third to send it again.
    /// </summary>
    public async Task SettleClaimedAsync(BatchOutcome outcome, Claim claim, CancellationToken cancellationToken)
    {
        await using var settle = db.CreateBatch();
        await ExecuteAsync(settle, outcome, claim, claimedOnly: true, cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlBatch settle, BatchOutcome outcome, Claim claim, bool claimedOnly, CancellationToken cancellationToken)
    {
        var statements = settle.BatchCommands.Count;
        NpgsqlBatchCommand? Add(string sql, long[] ids)
        {
            if (ids.Length == 0)
            {
                return null;
            }

            var command = new NpgsqlBatchCommand(claimedOnly ? $"{sql} AND claim = @claim" : sql);
            command.Parameters.AddWithValue("ids", ids);
            if (claimedOnly)
            {
                command.Parameters.AddWithValue("claim", claim.Id);
            }

            settle.BatchCommands.Add(command);
            return command;
        }

        Add("DELETE FROM outbox_messages WHERE id = ANY(@ids)", outcome.Sent);
        Add("""
            UPDATE outbox_messages SET returns = returns + 1, claim = NULL,
                next_attempt_at = now() + make_interval(secs => least(60, power(2, least(returns, 6))))
            WHERE id = ANY(@ids)
            """, outcome.Returned);
        Add("UPDATE outbox_messages SET next_attempt_at = NULL, claim = NULL WHERE id = ANY(@ids)", outcome.Unconfirmed);
        if (outcome.Waiting.Length > 0)
        {
            if (claimedOnly)
            {
                throw new InvalidOperationException("Rows are claimed in their batch's own transaction only; a settling of claimed rows waits no more.");
            }

            var claiming = Add("UPDATE outbox_messages SET next_attempt_at = now() + @claimFor, claim = @claim WHERE id = ANY(@ids)", outcome.Waiting)!;
            claiming.Parameters.AddWithValue("claimFor", claim.For);
            claiming.Parameters.AddWithValue("claim", claim.Id);
        }

        if (outcome.SetAside.Count > 0)
        {
            Add("""
                UPDATE outbox_messages SET failed_at = now(), error = aside.error
                FROM unnest(@ids, @errors) AS aside(id, error) WHERE outbox_messages.id = aside.id
                """, [.. outcome.SetAside.Select(a => a.Id)])!
                .Parameters.AddWithValue("errors", outcome.SetAside.Select(a => a.Error).ToArray());
        }

        if (settle.BatchCommands.Count > statements)
        {
            await settle.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
