namespace TrustedOss.Contracts;

/// <summary>
/// The Redis key under which the Scan service notes a queued or running scan of a project at a ref
/// (value: the scan id), so a webhook delivery for the same project and ref can be answered
/// <c>skipped_active_scan</c> without asking the Scan service. It is a cache: the scan's row is the
/// truth, the note expires by itself, and a missing note only means a second scan.
/// </summary>
public static class ActiveScanMarker
{
    /// <summary>
    /// Outlives a scan that is still going in the usual case (queued for its hour's lease, running up
    /// to ten minutes, by default). A scan waiting longer behind a backlog outlives its note: a
    /// delivery for its ref then queues a second scan, never none.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(75);

    /// <summary>How long an ended scan is remembered, so that its note, written late, is not written at all.</summary>
    public static readonly TimeSpan EndedLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <paramref name="gitRef"/> as scans store it: a branch by its name; null for the default branch.
    /// The project in braces puts a project's notes in one Redis cluster slot, with <see cref="EndedKey"/>.
    /// </summary>
    public static string Key(Guid projectId, string? gitRef) => $"active-scan:{{{projectId:N}}}:{gitRef}";

    /// <summary>Set when a scan ends (value unused): a note for it that arrives after is not written.</summary>
    public static string EndedKey(Guid projectId, Guid scanId) => $"active-scan-ended:{{{projectId:N}}}:{scanId:N}";
}
