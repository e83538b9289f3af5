using System.Globalization;

namespace TrustedOss.Web.Components;

/// <summary>"3 minutes ago", "in 12 days": a moment as people read it, from the server's clock.</summary>
internal static class RelativeTime
{
    /// <summary>
    /// The nearest whole unit, as people say it: a key made to expire in 30 days reads "in 30
    /// days" a second later, not "in 29 days", and one of 365 days "in 12 months".
    /// </summary>
    public static string Describe(DateTime utc, DateTimeOffset now)
    {
        var span = now - Utc(utc);
        var future = span < TimeSpan.Zero;
        var length = future ? -span : span;
        var amount = length.TotalSeconds < 60 ? null
            : Nearest(length.TotalMinutes) is var minutes and < 60 ? Count(minutes, "minute")
            : Nearest(length.TotalHours) is var hours and < 24 ? Count(hours, "hour")
            : Nearest(length.TotalDays) is var days and < 60 ? Count(days, "day")
            : Nearest(length.TotalDays / 30.44) is var months and < 24 ? Count(months, "month")
            : Count(Nearest(length.TotalDays / 365.25), "year");
        return amount is null ? (future ? "in a moment" : "just now") : future ? $"in {amount}" : $"{amount} ago";
    }

    /// <summary>The moment exactly, for a hover: "2026-12-04 21:05:33 UTC".</summary>
    public static string Exact(DateTime utc) => Utc(utc).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The moment for machines (a <c>time</c> element's <c>datetime</c>).</summary>
    public static string Machine(DateTime utc) => Utc(utc).ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    private static int Nearest(double amount) => (int)Math.Round(amount, MidpointRounding.AwayFromZero);

    private static string Count(int n, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? "" : "s")}");
}
