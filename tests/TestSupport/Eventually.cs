namespace TrustedOss.TestSupport;

/// <summary>Polls until a condition holds, for effects that travel through queues.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var value = await probe();
            if (value is not null)
            {
                return value;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up after {timeout} waiting for {what}.");
            }
        }
    }
}
