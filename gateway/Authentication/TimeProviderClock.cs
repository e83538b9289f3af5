using Microsoft.Extensions.Internal;

namespace TrustedOss.Gateway.Authentication;

/// <summary>Runs the in-process key cache on the same <see cref="TimeProvider"/> as everything else, so its lifetimes can be tested.</summary>
public sealed class TimeProviderClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
