using System.Globalization;

namespace TrustedOss.Web.Components;

/// <summary>"3 minutes ago", "in 12 days": a moment as people read it, from the server's clock.</summary>
internal static class RelativeTime
{
    public static string Describe(DateTime utc, DateTimeOffset now)
    {
        var span = now - new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var future = span < TimeSpan.Zero;
        var length = future ? -span : span;
        var amount = length switch
        {
            { TotalSeconds: < 60 } => null,
            { TotalMinutes: < 60 } => Count((int)length.TotalMinutes, "minute"),
            { TotalHours: < 24 } => Count((int)length.TotalHours, "hour"),
            { TotalDays: < 60 } => Count((int)length.TotalDays, "day"),
            { TotalDays: < 730 } => Count((int)(length.TotalDays / 30.44), "month"),
            _ => Count((int)(length.TotalDays / 365.25), "year"),
        };
        return amount is null ? (future ? "in a moment" : "just now") : future ? $"in {amount}" : $"{amount} ago";
    }

    private static string Count(int n, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? "" : "s")}");
}
