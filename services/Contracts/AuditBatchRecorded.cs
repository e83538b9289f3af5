namespace TrustedOss.Contracts;

/// <summary>
/// Many <see cref="AuditRecorded"/> rows committed in one transaction (webhook deliveries are
/// stored in batches): one message instead of one per row, appended by Keys in one statement.
/// Each row keeps its own <see cref="AuditRecorded.Id"/>, so a redelivered batch changes nothing.
/// </summary>
public sealed record AuditBatchRecorded(IReadOnlyList<AuditRecorded> Rows);
