using System.Reflection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using TrustedOss.Keys.Auth;
using TrustedOss.Redis;

namespace TrustedOss.Keys.Tests;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_sign_in_waits_for_a_slow_redis_up_to_its_own_deadline_not_the_hot_paths()
    {
        var throttle = Throttle(new LoginThrottleOptions { RedisDeadline = TimeSpan.FromSeconds(2) });

        var fromAddress = throttle.TryAttemptFromAsync("203.0.113.7");
        var onAccount = throttle.TryAttemptOnAsync("person@example.com");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(fromAddress.IsCompleted, "Past the hot paths' 250 ms, a sign-in still waits.");
        Assert.False(onAccount.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("Redis did not answer within 2000 ms.", (await Assert.ThrowsAsync<TimeoutException>(() => fromAddress)).Message);
        await Assert.ThrowsAsync<TimeoutException>(() => onAccount);
    }

    [Fact]
    public async Task Recording_the_outcome_waits_up_to_the_same_deadline()
    {
        var throttle = Throttle(new LoginThrottleOptions { RedisDeadline = TimeSpan.FromMilliseconds(500) });

        var failed = throttle.FailedAsync("person@example.com");
        var succeeded = throttle.SucceededAsync("person@example.com");
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(failed.IsCompleted);
        Assert.False(succeeded.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<TimeoutException>(() => failed);
        await Assert.ThrowsAsync<TimeoutException>(() => succeeded);
    }

    private LoginThrottle Throttle(LoginThrottleOptions options) =>
        new(StalledRedis.Connection(), Options.Create(options),
            new RedisDeadline(Options.Create(new RedisDeadlineOptions { RequestDeadline = TimeSpan.FromMilliseconds(250) }), time), time);

    /// <summary>A Redis that takes every command and never answers: each asynchronous call's task stays pending.</summary>
    public class StalledRedis : DispatchProxy
    {
        public static IConnectionMultiplexer Connection()
        {
            var connection = Create<IConnectionMultiplexer, StalledRedis>();
            ((StalledRedis)(object)connection).database = Create<IDatabase, StalledRedis>();
            return connection;
        }

        private object? database;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var returns = targetMethod!.ReturnType;
            if (returns == typeof(IDatabase))
            {
                return database;
            }

            if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
            {
                var pending = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(returns.GetGenericArguments()))!;
                return pending.GetType().GetProperty(nameof(TaskCompletionSource<object>.Task))!.GetValue(pending);
            }

            throw new NotSupportedException($"{targetMethod.Name} is not part of what a sign-in asks of Redis.");
        }
    }
}
