namespace TrustedOss.Contracts;

/// <summary>
/// A scan was stored as queued; the Scan service's runner takes it from here. Carries what the run
/// needs so no other service has to be asked. Versioned by name: a breaking change gets a new
/// record (ScanRequestedV2), never an edit.
/// </summary>
public sealed record ScanRequested(
    Guid ScanId,
    Guid ProjectId,
    string RepositoryUrl,
    string? Ref,
    DateTimeOffset RequestedAt);
