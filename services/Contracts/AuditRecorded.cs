namespace TrustedOss.Contracts;

/// <summary>
/// A change made by a service other than Keys, for the one audit log Keys keeps (CONTRACT §5).
/// <see cref="Id"/> is chosen by the service that made the change, in the change's own
/// transaction, so a redelivered message is recognised and the row is written exactly once.
/// <see cref="Diff"/> is the JSON of what changed, secrets already written as "***".
/// <see cref="RequestId"/> is the server's id of the request that made the change;
/// <see cref="ClientRequestId"/> the X-Request-ID its client sent, if any.
/// </summary>
public sealed record AuditRecorded(
    Guid Id,
    DateTimeOffset CreatedAt,
    Guid? ActorUserId,
    Guid? ActorApiKeyId,
    Guid? TeamId,
    string TargetTable,
    Guid TargetId,
    string Action,
    string? RequestId,
    string Diff,
    string? ClientRequestId = null);
