using System.ComponentModel.DataAnnotations;

namespace TrustedOss.ServiceDefaults.Redis;

public sealed class RedisDeadlineOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// The longest a request waits for one Redis command (a key's cache entry, a rate-limit count).
    /// Redis answers in well under a millisecond; past this it is stalled, and the request goes on
    /// as its caller decided (503, or without the limit).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromMilliseconds(250);
}

public static class RedisDeadline
{
    /// <summary>
    /// Waits for a Redis command at most <paramref name="deadline"/>; past it, throws a
    /// <see cref="TimeoutException"/> (an outage to every caller). The command itself is left to
    /// finish or time out in the client; its outcome is observed so it is never reported unobserved.
    /// </summary>
    public static async Task<T> WithinAsync<T>(this Task<T> command, TimeSpan deadline, TimeProvider time)
    {
        try
        {
            return await command.WaitAsync(deadline, time);
        }
        catch (TimeoutException) when (!command.IsCompleted)
        {
            _ = command.ContinueWith(static c => c.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new TimeoutException($"Redis did not answer within {deadline.TotalMilliseconds:F0} ms.");
        }
    }
}
