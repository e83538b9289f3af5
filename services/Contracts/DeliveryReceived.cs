namespace TrustedOss.Contracts;

/// <summary>
/// A verified webhook delivery that should become a scan. <see cref="ScanId"/> is chosen by the
/// receiver before it answers the provider, so the Scan service creates exactly that scan and a
/// redelivered message never makes a second one.
/// </summary>
public sealed record DeliveryReceived(
    Guid DeliveryId,
    Guid ScanId,
    Guid ProjectId,
    string RepositoryUrl,
    string Provider,
    string EventType,
    string? Ref,
    string? CommitSha,
    DateTimeOffset ReceivedAt);
