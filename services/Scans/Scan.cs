namespace TrustedOss.Scans;

/// <summary>
/// A scan as stored and as returned by the API (CONTRACT §3). Times are UTC <see cref="DateTime"/>s:
/// that is what Npgsql reads from <c>timestamptz</c>, and they serialize as RFC 3339 with a Z.
/// </summary>
public sealed record Scan(
    Guid Id,
    Guid ProjectId,
    string Kind,
    string Status,
    string? Ref,
    string? CommitSha,
    string Trigger,
    Guid? RequestedByUserId,
    Guid? ApiKeyId,
    Guid? DeliveryId,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? CompletedAt,
    string? ErrorCode,
    string? ErrorMessage,
    int? ComponentCount);

public static class ScanStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

public static class ScanKind
{
    public const string Source = "source";
}

public static class ScanTrigger
{
    public const string Api = "api";
    public const string Webhook = "webhook";
}
