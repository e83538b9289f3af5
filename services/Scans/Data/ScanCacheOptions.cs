using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Scans.Data;

public sealed class ScanCacheOptions
{
    public const string SectionName = "ScanCache";

    /// <summary>
    /// The longest a replica answers polls of a queued or running scan from memory. Every change of
    /// a scan is announced to every replica, which then reads it again; this bounds how stale a poll
    /// can be when an announcement is lost (the changing replica could not reach Redis). Longer than
    /// a pipeline's pause between polls times the replicas it alternates between (5 s and two in
    /// docs/ci.md), or its polls would find the copy gone. Zero keeps no active scan.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ActiveLifetime { get; set; } = TimeSpan.FromSeconds(30);
}
