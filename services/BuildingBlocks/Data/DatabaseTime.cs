namespace TrustedOss.Data;

public static class DatabaseTime
{
    /// <summary>
    /// Now, in UTC, at PostgreSQL's precision (microseconds), so a value returned when a row is
    /// created equals the value read back from it later.
    /// </summary>
    public static DateTime UtcNowForDatabase(this TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }
}
