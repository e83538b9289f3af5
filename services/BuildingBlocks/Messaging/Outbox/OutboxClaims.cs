using Npgsql;

namespace TrustedOss.Messaging.Outbox;

/// <summary>One outbox row as the relay took it.</summary>
internal sealed record ClaimedMessage(long Id, string Type, string Body, string? TraceParent);

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
    /// Deletes what RabbitMQ confirmed, puts off what it returned (a little longer each time, up
    /// to a minute), makes what it did not confirm due again at once, sets aside what can never be
    /// read, and claims what is still waiting for <paramref name="claimFor"/>: were this relay to
    /// stop before settling those, they fall due again when the claim runs out and are sent then.
    /// In <paramref name="transaction"/> when given (the batch's own), else on a connection of its
    /// own; either way one round trip of only the statements needed (usually the delete alone).
    /// </summary>
    public async Task SettleAsync(BatchOutcome outcome, TimeSpan claimFor, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var settle = transaction is null ? db.CreateBatch() : new NpgsqlBatch(transaction.Connection, transaction);
        if (transaction is not null)
        {
            // Need not wait for the disk: were the settling lost in a crash, the batch would be sent
            // again, which consumers already take in their stride. Every commit of the service's own
            // changes still waits.
            settle.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
        }

        var statements = settle.BatchCommands.Count;
        Add(settle, "DELETE FROM outbox_messages WHERE id = ANY(@ids)", outcome.Sent);
        Add(settle,
            """
            UPDATE outbox_messages SET returns = returns + 1,
                next_attempt_at = now() + make_interval(secs => least(60, power(2, least(returns, 6))))
            WHERE id = ANY(@ids)
            """, outcome.Returned);
        Add(settle, "UPDATE outbox_messages SET next_attempt_at = NULL WHERE id = ANY(@ids)", outcome.Unconfirmed);
        Add(settle, "UPDATE outbox_messages SET next_attempt_at = now() + @claimFor WHERE id = ANY(@ids)", outcome.Waiting)?
            .Parameters.AddWithValue("claimFor", claimFor);
        if (outcome.SetAside.Count > 0)
        {
            Add(settle,
                """
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

    private static NpgsqlBatchCommand? Add(NpgsqlBatch batch, string sql, long[] ids)
    {
        if (ids.Length == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("ids", ids);
        batch.BatchCommands.Add(command);
        return command;
    }
}
