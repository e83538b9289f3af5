using System.Globalization;

namespace TrustedOss.Credentials.RateLimits;

/// <summary>Where a key stands in one policy's current window.</summary>
public sealed record RateLimitState(string Policy, int Limit, int Used, int ResetSeconds)
{
    public int Remaining => Math.Max(0, Limit - Used);

    public bool Exceeded => Used > Limit;

    /// <summary>IETF httpapi RateLimit headers (structured fields): the policy and the current state.</summary>
    public string PolicyHeader => string.Create(CultureInfo.InvariantCulture, $"\"{Policy}\";q={Limit};w={(int)KeyRateLimits.Window.TotalSeconds}");

    public string StateHeader => string.Create(CultureInfo.InvariantCulture, $"\"{Policy}\";r={Remaining};t={ResetSeconds}");
}
