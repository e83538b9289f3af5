using System.Threading.Channels;

namespace TrustedOss.Data;

/// <summary>
/// Many callers' writes to one transaction (group commit): while one batch is being written, the
/// items that arrive wait and go together in the next, so under load a commit, and its wait for
/// the disk, is shared; an item alone is written at once. Each caller waits for its own item's
/// commit, so nothing a caller was told is stored lives only in this process.
/// </summary>
/// <param name="write">
/// Writes the items in one transaction and says, for each in order, whether it was new (false: it
/// was stored before). It throws when the transaction fails.
/// </param>
/// <param name="isOutage">
/// Whether a failure is the database not answering: then every item of the batch fails with it.
/// Any other failure (the database refusing one item) is tried again item by item, so only the
/// item at fault fails.
/// </param>
/// <remarks>
/// At most four batches' worth of items wait: while the database is slow to answer, each batch
/// takes up to its command timeout, and a caller further behind would wait far longer than its
/// client does; it is refused at once instead (a <see cref="TimeoutException"/>, answered as an
/// outage). A caller that gives up (its token fires) before its item is taken into a batch takes
/// the item back: it is never written.
/// </remarks>
public sealed class GroupCommit<T>(Func<IReadOnlyList<T>, CancellationToken, Task<bool[]>> write, Func<Exception, bool> isOutage, int maxBatch)
{
    private readonly Channel<Waiting> waiting =
        Channel.CreateUnbounded<Waiting>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Items waiting that are still wanted: one its caller took back no longer counts, though the queue still holds it.</summary>
    private int wanted;

    /// <summary>Called with each batch's size as it is written.</summary>
    public Action<int>? Writing { get; init; }

    /// <summary>Called when a batch is refused and its items are tried one by one.</summary>
    public Action<Exception, int>? Refused { get; init; }

    /// <summary>Stores <paramref name="item"/> with the others waiting; false when it was stored before.</summary>
    public async Task<bool> StoreAsync(T item, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref wanted) > maxBatch * 4)
        {
            Interlocked.Decrement(ref wanted);
            throw new TimeoutException($"{maxBatch * 4} writes are already waiting for the database.");
        }

        var entry = new Waiting(item);
        if (!waiting.Writer.TryWrite(entry))
        {
            // Stopped: no more batches, this item is written alone.
            Take(entry);
            await WriteAsync([entry]);
            return await entry.Stored.Task;
        }

        using (cancellationToken.Register(() =>
               {
                   if (entry.TryWithdraw())
                   {
                       Interlocked.Decrement(ref wanted);
                       entry.Stored.TrySetCanceled(cancellationToken);
                   }
               }))
        {
            return await entry.Stored.Task;
        }
    }

    /// <summary>Takes the item into a batch, unless its caller took it back first.</summary>
    private bool Take(Waiting entry)
    {
        if (!entry.TryTake())
        {
            return false;
        }

        Interlocked.Decrement(ref wanted);
        return true;
    }

    /// <summary>Writes batches until <paramref name="stoppingToken"/> fires, then what is still waiting.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                await WriteWaitingAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            waiting.Writer.TryComplete();
            while (waiting.Reader.TryPeek(out _))
            {
                await WriteWaitingAsync();
            }
        }
    }

    private async Task WriteWaitingAsync()
    {
        var batch = new List<Waiting>();
        while (batch.Count < maxBatch && waiting.Reader.TryRead(out var next))
        {
            // An item its caller took back is dropped.
            if (Take(next))
            {
                batch.Add(next);
            }
        }

        if (batch.Count > 0)
        {
            await WriteAsync(batch);
        }
    }

    /// <summary>Writes the batch and settles each caller; never throws.</summary>
    private async Task WriteAsync(List<Waiting> batch)
    {
        try
        {
            Writing?.Invoke(batch.Count);
            // Not the callers' cancellation: once a batch is under way it is written for all of them.
            var stored = await write([.. batch.Select(b => b.Item)], CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Stored.TrySetResult(stored[i]);
            }
        }
        catch (Exception ex) when (batch.Count > 1 && !isOutage(ex))
        {
            try
            {
                Refused?.Invoke(ex, batch.Count);
            }
            catch (Exception)
            {
                // A failing observer must not stop the batches: every caller still gets its answer.
            }

            foreach (var one in batch)
            {
                await WriteAsync([one]);
            }
        }
        catch (Exception ex)
        {
            foreach (var one in batch)
            {
                one.Stored.TrySetException(ex);
            }
        }
    }

    /// <summary>An item and its caller's answer; taken into a batch, or taken back by its caller, whichever comes first.</summary>
    private sealed class Waiting(T item)
    {
        private const int Queued = 0, Taken = 1, Withdrawn = 2;

        private int state = Queued;

        public T Item { get; } = item;

        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref state, Taken, Queued) == Queued;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref state, Withdrawn, Queued) == Queued;
    }
}
