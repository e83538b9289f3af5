using Microsoft.Extensions.Internal;

namespace TrustedOss.ServiceDefaults;

/// <summary>Runs an in-process <c>MemoryCache</c> on the same <see cref="TimeProvider"/> as everything else, so its lifetimes can be tested.</summary>
public sealed class TimeProviderClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
