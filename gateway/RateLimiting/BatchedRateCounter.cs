using System.Collections.Concurrent;
using StackExchange.Redis;
using TrustedOss.Credentials.RateLimits;
using TrustedOss.Redis;

namespace TrustedOss.Gateway.RateLimiting;

/// <summary>
/// Counts high-volume limits (each key's reads, each address's webhook deliveries) in the windows
/// every replica shares in Redis, without a Redis round trip on most requests: far below the limit
/// a request is counted here (<see cref="WindowTally"/>), and each counter's counts go to Redis in
/// one command after they have waited <see cref="PendingTally.HoldMs"/>, the counters then due
/// sent together in one batch every <see cref="FlushInterval"/>; near the limit, after a pause, or
/// with too much unsent, the request is counted in Redis before it goes on. A flush that fails
/// drops its counts, as a request Redis could not count goes through uncounted; so do counts still
/// unsent when their window ends.
/// </summary>
internal sealed class BatchedRateCounter(
    IConnectionMultiplexer redis, RedisDeadline redisDeadline, TimeProvider time, GatewayMetrics metrics, ILogger<BatchedRateCounter> logger)
    : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How often tallies of ended windows are dropped (the cache's bound in time).</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The cache's bound in size: past it, a counter without a tally (a new key or client address) is
    /// counted in Redis at once, so addresses made up by the thousand cannot grow this process.
    /// </summary>
    private const int MaxTallies = 100_000;

    private readonly ConcurrentDictionary<string, WindowTally> tallies = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PendingTally> unsent = new();
    private int tallyCount;

    /// <summary>Counts one request of <paramref name="counter"/>: the window's total so far (estimated far from the limit) and the seconds until it ends.</summary>
    public ValueTask<(long Used, int ResetSeconds)> CountAsync(string counter, TimeSpan window, int limit)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (TallyOf(counter, window, now) is not { } tally)
        {
            return new ValueTask<(long, int)>(CountUntrackedAsync(counter, window, now));
        }

        var resetSeconds = FixedWindow.Seconds(tally.EndsAtMs - now);
        if (tally.TryCount(limit, now, out var firstUnsent) is { } estimate)
        {
            if (firstUnsent)
            {
                unsent.Enqueue(new PendingTally(tally, now));
            }

            return ValueTask.FromResult((estimate, resetSeconds));
        }

        return new ValueTask<(long, int)>(CountInRedisAsync(tally, now, extra: 1));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        var nextSweep = time.GetUtcNow() + SweepInterval;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(everything: false);
                    if (time.GetUtcNow() >= nextSweep)
                    {
                        Sweep();
                        nextSweep = time.GetUtcNow() + SweepInterval;
                    }
                }
                catch (Exception ex)
                {
                    // Counting must never stop the gateway: whatever failed, the next flush tries again.
                    logger.LogError(ex, "Sending rate-limit counts to Redis failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: what is still unsent goes now, so a replica that leaves loses no counts.
        try
        {
            await FlushAsync(everything: true);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Sending the last rate-limit counts to Redis failed");
        }
    }

    private async Task<(long Used, int ResetSeconds)> CountInRedisAsync(WindowTally tally, long now, int extra)
    {
        var sending = tally.Take(extra);
        try
        {
            var (total, resetSeconds) = await redisDeadline.WithinAsync(
                FixedWindowCounter.AddAsync(redis.GetDatabase(), tally.RedisKey, Math.Max(1, tally.EndsAtMs - now), sending));
            tally.Settled(sending, total, time.GetUtcNow().ToUnixTimeMilliseconds());
            return (total, resetSeconds);
        }
        catch
        {
            tally.Lost(sending);
            throw;
        }
    }

    /// <summary>Counts one request in Redis, for a counter this process keeps no tally of (<see cref="MaxTallies"/>).</summary>
    private async Task<(long Used, int ResetSeconds)> CountUntrackedAsync(string counter, TimeSpan window, long now)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now);
        return await redisDeadline.WithinAsync(FixedWindowCounter.AddAsync(
            redis.GetDatabase(), FixedWindow.Key(counter, window, at), (long)FixedWindow.UntilWindowEnds(window, at).TotalMilliseconds, 1));
    }

    /// <summary>The counter's tally of the current window; null when the cache is full and the counter has none.</summary>
    private WindowTally? TallyOf(string counter, TimeSpan window, long now)
    {
        var windowMs = (long)window.TotalMilliseconds;
        var endsAt = ((now / windowMs) + 1) * windowMs;
        while (true)
        {
            if (tallies.TryGetValue(counter, out var current))
            {
                if (current.EndsAtMs == endsAt)
                {
                    return current;
                }

                var next = new WindowTally(FixedWindow.Key(counter, window, DateTimeOffset.FromUnixTimeMilliseconds(now)), endsAt);
                if (tallies.TryUpdate(counter, next, current))
                {
                    return next;
                }
            }
            else
            {
                if (Volatile.Read(ref tallyCount) >= MaxTallies)
                {
                    return null;
                }

                var fresh = new WindowTally(FixedWindow.Key(counter, window, DateTimeOffset.FromUnixTimeMilliseconds(now)), endsAt);
                if (tallies.TryAdd(counter, fresh))
                {
                    Interlocked.Increment(ref tallyCount);
                    return fresh;
                }
            }
        }
    }

    /// <summary>Sends the waiting counts that are due (or all of them) in one batch and learns each window's total.</summary>
    private async Task FlushAsync(bool everything)
    {
        if (unsent.IsEmpty)
        {
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var batch = redis.GetDatabase().CreateBatch();
        var sends = new List<(WindowTally Tally, int Count, Task<(long Total, int ResetSeconds)> Answer)>();
        // Each waiting tally is looked at once: those not due yet go back in line for the next flush.
        for (var waiting = unsent.Count; waiting > 0 && unsent.TryDequeue(out var pending); waiting--)
        {
            if (!everything && !pending.DueBy(now))
            {
                unsent.Enqueue(pending);
                continue;
            }

            var tally = pending.Tally;
            var count = tally.Take(0);
            if (count == 0)
            {
                continue;
            }

            if (tally.EndsAtMs <= now)
            {
                tally.Lost(count);
                continue;
            }

            sends.Add((tally, count, FixedWindowCounter.AddAsync(batch, tally.RedisKey, tally.EndsAtMs - now, count)));
        }

        if (sends.Count == 0)
        {
            return;
        }

        Exception? failure = null;
        try
        {
            // Throws at once while Redis is disconnected; the counts are then dropped like any that fail.
            batch.Execute();
            await redisDeadline.WithinAsync(Task.WhenAll(sends.Select(s => s.Answer)));
        }
        catch (Exception ex)
        {
            // Whatever failed, each count is settled or dropped below, so none stays in flight for good.
            failure = ex;
        }

        var settledAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lost = 0;
        foreach (var (tally, count, answer) in sends)
        {
            if (answer.IsCompletedSuccessfully)
            {
                tally.Settled(count, answer.Result.Total, settledAt);
            }
            else
            {
                tally.Lost(count);
                lost += count;
                _ = answer.ContinueWith(static a => a.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }

        if (failure is not null)
        {
            metrics.RedisFailOpen.Add(lost, new KeyValuePair<string, object?>("step", "rate_limit_flush"));
            logger.LogWarning("{Count} rate-limit counts could not be sent to Redis ({Reason}); they are dropped", lost, failure.Message);
        }
    }

    /// <summary>Drops the tallies of windows that ended, once nothing of theirs is pending.</summary>
    private void Sweep()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in tallies)
        {
            if (entry.Value.EndsAtMs <= now && entry.Value.Idle && tallies.TryRemove(entry))
            {
                Interlocked.Decrement(ref tallyCount);
            }
        }
    }
}
