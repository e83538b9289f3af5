using Microsoft.Extensions.Options;

namespace TrustedOss.Redis;

/// <summary>
/// Bounds how long a request waits for one Redis command (<see cref="RedisDeadlineOptions.RequestDeadline"/>).
/// The client's own timeout is seconds long and checked only about once a second, far past a
/// caller's patience, so each command on a request path goes through here.
/// </summary>
public sealed class RedisDeadline(IOptions<RedisDeadlineOptions> options, TimeProvider time)
{
    /// <summary>
    /// Waits for <paramref name="command"/> at most the request deadline; past it, throws a
    /// <see cref="TimeoutException"/> (an outage to every caller). The command itself is left to
    /// finish or time out in the client; its outcome is observed so it is never reported unobserved.
    /// </summary>
    public Task<T> WithinAsync<T>(Task<T> command) => WithinAsync(command, options.Value.RequestDeadline);

    /// <summary>The same with a deadline of the caller's own: for a caller that can wait longer than a hot path.</summary>
    public async Task<T> WithinAsync<T>(Task<T> command, TimeSpan deadline)
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
