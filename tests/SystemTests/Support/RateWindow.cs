using TrustedOss.Credentials.RateLimits;

namespace TrustedOss.SystemTests.Support;

/// <summary>
/// Rate limits count in clock-aligned one-minute windows (every replica agrees where one ends). A
/// test that must stay inside one window starts only when enough of the current one is left, so its
/// assertions can be exact instead of allowing for a count that restarted halfway.
/// </summary>
internal static class RateWindow
{
    private static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    /// <summary>Waits, when needed, for the next window, so at least <paramref name="needed"/> of it is left.</summary>
    public static async Task EnsureLeftAsync(TimeSpan needed)
    {
        var left = FixedWindow.UntilWindowEnds(Length, DateTimeOffset.UtcNow);
        if (left < needed)
        {
            // A little past the boundary, so clocks that differ by a few milliseconds agree too.
            await Task.Delay(left + TimeSpan.FromMilliseconds(250));
        }
    }
}
