using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Scans.Running;

public sealed class ScanRunnerOptions
{
    public const string SectionName = "Scans";

    /// <summary>Whether file:// repositories may be scanned: on in Development and tests, off elsewhere.</summary>
    public bool AllowFileRepositories { get; set; }

    /// <summary>The longest a repository may take to answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan GitTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
