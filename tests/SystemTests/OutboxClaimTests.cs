using Npgsql;
using TrustedOss.AppHost;
using TrustedOss.Messaging.Outbox;

namespace TrustedOss.SystemTests;

/// <summary>
/// Two relays and one outbox row RabbitMQ was slow to answer for, played out statement by
/// statement against the real database: a relay that settles after its claim ran out leaves the
/// row to the relay that took it since.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class OutboxClaimTests(SystemFixture system)
{
    // No relay of the running system knows this type, so none of them takes the row meanwhile.
    private static readonly string[] Types = ["TrustedOss.SystemTests.ClaimProbe"];

    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_relay_settling_after_its_claim_ran_out_leaves_alone_the_claim_another_relay_took_since()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await system.ConnectionStringAsync(ResourceNames.ScansDatabase)) { Pooling = false };
        await using var db = NpgsqlDataSource.Create(connectionString);
        var claims = new OutboxClaims(db);
        var id = await InsertAsync(db);
        try
        {
            // The first relay takes the row and, with no answer from RabbitMQ within its
            // transaction, claims it.
            var first = Claim.New(ClaimFor);
            Assert.Equal([id], await TakeAndClaimAsync(db, first));
            Assert.Empty(await TakeAndClaimAsync(db, Claim.New(ClaimFor)));

            // Its claim runs out (it stalled), and the second relay takes the row and claims it.
            await ExecuteAsync(db, "UPDATE outbox_messages SET next_attempt_at = now() - interval '1 second' WHERE id = @id", id);
            var second = Claim.New(ClaimFor);
            Assert.Equal([id], await TakeAndClaimAsync(db, second));

            // The first relay comes back: its publish was never confirmed.
            await claims.SettleClaimedAsync(new BatchOutcome([], [], Unconfirmed: [id], []), first, CancellationToken.None);
            Assert.Empty(await TakeAndClaimAsync(db, Claim.New(ClaimFor)));

            // Had it been confirmed, the row would not be the first relay's to delete either.
            await claims.SettleClaimedAsync(new BatchOutcome(Sent: [id], [], [], []), first, CancellationToken.None);
            Assert.Equal(1L, await CountAsync(db, id));

            // The second relay's own settling goes through.
            await claims.SettleClaimedAsync(new BatchOutcome(Sent: [id], [], [], []), second, CancellationToken.None);
            Assert.Equal(0L, await CountAsync(db, id));
        }
        finally
        {
            await ExecuteAsync(db, "DELETE FROM outbox_messages WHERE id = @id", id);
        }
    }

    /// <summary>A relay's batch whose publishes RabbitMQ has not answered within its transaction: every row taken is claimed.</summary>
    private static async Task<long[]> TakeAndClaimAsync(NpgsqlDataSource db, Claim claim)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        long[] taken = [.. (await OutboxClaims.TakeAsync(transaction, Types, 10, CancellationToken.None)).Select(m => m.Id)];
        await OutboxClaims.SettleAsync(new BatchOutcome([], [], [], []) { Waiting = taken }, claim, transaction, CancellationToken.None);
        await transaction.CommitAsync();
        return taken;
    }

    private static async Task<long> InsertAsync(NpgsqlDataSource db)
    {
        await using var insert = db.CreateCommand(
            "INSERT INTO outbox_messages (message_type, body, created_at) VALUES (@type, '{}', now()) RETURNING id");
        insert.Parameters.AddWithValue("type", Types[0]);
        return (long)(await insert.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, long id)
    {
        await using var count = db.CreateCommand("SELECT count(*) FROM outbox_messages WHERE id = @id");
        count.Parameters.AddWithValue("id", id);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, long id)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }
}
