using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TrustedOss.Messaging.Outbox;

/// <summary>Adds a message to the caller's transaction; the relay publishes it after the commit.</summary>
public sealed class Outbox(IOptions<OutboxOptions> options, OutboxSignal signal, TimeProvider time)
{
    public async Task EnqueueAsync<T>(NpgsqlTransaction transaction, T message, CancellationToken cancellationToken) where T : class
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO outbox_messages (message_type, body, trace_parent, created_at) VALUES (@type, @body::jsonb, @traceParent, @createdAt)",
            transaction.Connection, transaction);
        insert.Parameters.AddWithValue("type", RegisteredName(typeof(T)));
        insert.Parameters.AddWithValue("body", JsonSerializer.Serialize(message));
        // The trace continues when the relay publishes, so one trace spans request, outbox and consumer.
        insert.Parameters.AddWithValue("traceParent", (object?)Activity.Current?.Id ?? DBNull.Value);
        insert.Parameters.AddWithValue("createdAt", time.GetUtcNow().UtcDateTime);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Adds many messages in one statement, each continuing the trace it names (a batch written
    /// for many requests carries each request's own trace).
    /// </summary>
    public async Task EnqueueAllAsync(NpgsqlTransaction transaction, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO outbox_messages (message_type, body, trace_parent, created_at)
            SELECT message_type, body::jsonb, trace_parent, @createdAt FROM unnest(@types, @bodies, @traceParents) AS m(message_type, body, trace_parent)
            """,
            transaction.Connection, transaction);
        insert.Parameters.AddWithValue("types", entries.Select(e => RegisteredName(e.Message.GetType())).ToArray());
        insert.Parameters.AddWithValue("bodies", entries.Select(e => JsonSerializer.Serialize(e.Message, e.Message.GetType())).ToArray());
        insert.Parameters.AddWithValue("traceParents", entries.Select(e => e.TraceParent).ToArray());
        insert.Parameters.AddWithValue("createdAt", time.GetUtcNow().UtcDateTime);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private string RegisteredName(Type type)
    {
        var name = type.FullName!;
        return options.Value.MessageTypes.ContainsKey(name) ? name : throw new InvalidOperationException($"{name} is not registered with AddOutbox.");
    }

    /// <summary>Call after committing: the relay publishes now instead of at its next poll.</summary>
    public void Flush() => signal.Kick();
}

/// <summary>A message for <see cref="Outbox.EnqueueAllAsync"/> and the W3C trace parent it continues, if any.</summary>
public sealed record OutboxEntry(object Message, string? TraceParent);

/// <summary>Wakes the relay in this process; kicks while it is awake fold into one.</summary>
public sealed class OutboxSignal(TimeProvider time)
{
    private readonly System.Threading.Channels.Channel<bool> kicks = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    public void Kick() => kicks.Writer.TryWrite(true);

    /// <summary>Returns after a kick or when <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await kicks.Reader.WaitToReadAsync(wait.Token);
            kicks.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll interval passed without a kick.
        }
    }
}
