namespace TrustedOss.Contracts;

/// <summary>
/// A scan was accepted through the API and is queued; the Scan service runs it.
/// Versioned by name: a breaking change gets a new record (ScanRequestedV2), never an edit.
/// </summary>
public sealed record ScanRequested(
    Guid ScanId,
    Guid ProjectId,
    string Kind,
    string? Ref,
    DateTimeOffset RequestedAt);
