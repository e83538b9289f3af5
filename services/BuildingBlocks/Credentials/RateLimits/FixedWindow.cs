using System.Globalization;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>
/// The arithmetic of clock-aligned windows: each starts at a multiple of its length since the Unix
/// epoch, so every replica agrees which window a moment belongs to and when it ends.
/// </summary>
public static class FixedWindow
{
    /// <summary>The counter name of the window that holds <paramref name="now"/>.</summary>
    public static string Key(string name, TimeSpan window, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}:{now.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds}");

    public static TimeSpan UntilWindowEnds(TimeSpan window, DateTimeOffset now)
    {
        var windowMs = (long)window.TotalMilliseconds;
        return TimeSpan.FromMilliseconds(windowMs - (now.ToUnixTimeMilliseconds() % windowMs));
    }

    /// <summary>Whole seconds, rounded up and at least one: a Retry-After of 0 would invite a retry storm.</summary>
    public static int Seconds(long milliseconds) => Math.Max(1, (int)Math.Ceiling(milliseconds / 1000.0));
}
