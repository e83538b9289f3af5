using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Redis;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class RedisDeadlineTests
{
    private readonly FakeTimeProvider time = new();
    private readonly RedisDeadline deadline;

    public RedisDeadlineTests() =>
        deadline = new RedisDeadline(Options.Create(new RedisDeadlineOptions { RequestDeadline = TimeSpan.FromMilliseconds(250) }), time);

    [Fact]
    public async Task A_command_that_answers_in_time_gives_its_answer() =>
        Assert.Equal(7, await deadline.WithinAsync(Task.FromResult(7)));

    [Fact]
    public async Task A_command_past_the_request_deadline_is_a_timeout_naming_it()
    {
        var waiting = deadline.WithinAsync(new TaskCompletionSource<int>().Task);

        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal("Redis did not answer within 250 ms.", timeout.Message);
    }

    [Fact]
    public async Task A_callers_own_deadline_replaces_the_request_deadline()
    {
        var answer = new TaskCompletionSource<int>();
        var waiting = deadline.WithinAsync(answer.Task, TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);
        answer.SetResult(3);

        Assert.Equal(3, await waiting);
    }

    [Fact]
    public async Task A_command_past_a_callers_own_deadline_is_a_timeout_naming_it()
    {
        var waiting = deadline.WithinAsync(new TaskCompletionSource<int>().Task, TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(2));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal("Redis did not answer within 2000 ms.", timeout.Message);
    }
}
