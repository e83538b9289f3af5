using Npgsql;

namespace TrustedOss.Messaging.Outbox;

/// <summary>One outbox row as the relay claimed it.</summary>
internal sealed record ClaimedMessage(long Id, string Type, string Body, string? TraceParent);

/// <summary>What became of a claimed batch: each claimed row is in at most one list.</summary>
internal sealed record BatchOutcome(long[] Sent, long[] Returned, long[] Unconfirmed, IReadOnlyList<(long Id, string Error)> SetAside);

/// <summary>
/// The relay's statements. A batch is claimed in one short statement (its rows are not due again
/// until the claim runs out) and settled in one short transaction after RabbitMQ has answered, so
/// no connection or transaction is held while the relay waits for RabbitMQ: a broker that is slow
/// or down for hours costs the database nothing, and vacuum is never held back behind the relay.
/// </summary>
internal sealed class OutboxClaims(NpgsqlDataSource db)
{
    /// <summary>
    /// The oldest due rows of the given types, each no longer due until <paramref name="claimFor"/>
    /// has passed: another replica skips them meanwhile. Were this relay to stop before settling
    /// them, they fall due again when the claim runs out and are sent then.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(string[] types, int batchSize, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A claim lost in a crash only leaves its rows due at once: it need not wait for the disk.
        // (Npgsql's reader passes over the SET, which returns no rows.)
        await using var claim = new NpgsqlCommand(
            """
            SET LOCAL synchronous_commit TO off;
            UPDATE outbox_messages SET next_attempt_at = now() + @claimFor
            WHERE id IN (
                SELECT id FROM outbox_messages
                WHERE failed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                    AND message_type = ANY(@types)
                ORDER BY id LIMIT @batch FOR UPDATE SKIP LOCKED)
            RETURNING id, message_type, body::text, trace_parent
            """,
            connection, transaction);
        claim.Parameters.AddWithValue("claimFor", claimFor);
        claim.Parameters.AddWithValue("batch", batchSize);
        // Only the types this version can read: in a rolling upgrade, a message of a type only
        // the new version knows (ScanRequestedV2) is left for a replica of the new version,
        // not set aside by one of the old.
        claim.Parameters.AddWithValue("types", types);
        var claimed = new List<ClaimedMessage>();
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        await transaction.CommitAsync(cancellationToken);

        // RETURNING's rows come in no set order; the batch is published oldest first.
        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }

    /// <summary>
    /// Deletes what RabbitMQ confirmed, puts off what it returned (a little longer each time, up
    /// to a minute), makes what it did not confirm due again at once, and sets aside what can never
    /// be read, all in one transaction.
    /// </summary>
    public async Task SettleAsync(BatchOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Need not wait for the disk: were the settling lost in a crash, the batch would be sent
        // again, which consumers already take in their stride. Every commit of the service's own
        // changes still waits.
        await using var settle = new NpgsqlCommand(
            """
            SET LOCAL synchronous_commit TO off;
            DELETE FROM outbox_messages WHERE id = ANY(@sent);
            UPDATE outbox_messages SET returns = returns + 1,
                next_attempt_at = now() + make_interval(secs => least(60, power(2, least(returns, 6))))
            WHERE id = ANY(@returned);
            UPDATE outbox_messages SET next_attempt_at = NULL WHERE id = ANY(@unconfirmed);
            UPDATE outbox_messages SET failed_at = now(), error = aside.error
            FROM unnest(@asideIds, @asideErrors) AS aside(id, error) WHERE outbox_messages.id = aside.id
            """,
            connection, transaction);
        settle.Parameters.AddWithValue("sent", outcome.Sent);
        settle.Parameters.AddWithValue("returned", outcome.Returned);
        settle.Parameters.AddWithValue("unconfirmed", outcome.Unconfirmed);
        settle.Parameters.AddWithValue("asideIds", outcome.SetAside.Select(a => a.Id).ToArray());
        settle.Parameters.AddWithValue("asideErrors", outcome.SetAside.Select(a => a.Error).ToArray());
        await settle.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
