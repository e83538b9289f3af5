using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Scans.Running;

public sealed class ScanRunnerOptions
{
    public const string SectionName = "Scans";

    /// <summary>Whether file:// repositories may be scanned: on in Development and tests, off elsewhere.</summary>
    public bool AllowFileRepositories { get; set; }

    /// <summary>
    /// Networks a scan may reach although they are loopback, private or link-local (an internal Git
    /// server, "10.20.0.0/16"); none by default. Written in CIDR notation.
    /// </summary>
    public string[] AllowedPrivateNetworks { get; set; } = [];

    /// <summary>The most a repository's answer to one git command may be; past it the scan fails.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxGitOutputBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most scans one replica runs at once. The rest wait, durably, in the queue: a burst of
    /// triggers or deliveries lengthens the queue instead of taking every core from the API.
    /// </summary>
    [Range(1, 256)]
    public int ConcurrentScans { get; set; } = 4;

    /// <summary>
    /// How much lower git's CPU priority is than the service's: added to its niceness (at most 19;
    /// 0 runs git at the service's own). Scans are background work: when
    /// the cores are busy, answering triggers, polls and deliveries comes first, and the scans, waiting
    /// durably in their queue, take what is left.
    /// </summary>
    [Range(0, 19)]
    public int GitNiceness { get; set; } = 10;

    /// <summary>The longest fetching the scanned commit may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most the fetched commit may take on disk; a larger repository fails the scan.</summary>
    [Range(1024 * 1024, 64L * 1024 * 1024 * 1024)]
    public long MaxRepositoryBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>The most files the commit may have; a larger tree fails the scan.</summary>
    [Range(1, 10_000_000)]
    public int MaxFiles { get; set; } = 200_000;

    /// <summary>The largest lock file or manifest read; a larger one is skipped with a warning.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxManifestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The most read of all manifests together; files past it are skipped with a warning.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxManifestTotalBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>The longest a repository may take to answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan GitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A scan running longer than this (from its first start) lost its runner and is failed (must exceed <see cref="FetchTimeout"/> plus four <see cref="GitTimeout"/>s).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "1.00:00:00")]
    public TimeSpan RunningLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A scan queued longer than this, its request neither in the outbox nor waiting in the queue, will never start (its message is in an error queue) and is failed.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "7.00:00:00")]
    public TimeSpan QueuedLease { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How far apart two looks must both find a scan queued past its lease with no request waiting
    /// before it counts as never started: longer than the longest wait between a held request's
    /// retries (<c>Messaging:OutageRetryMaxInterval</c>, 30 s), so a runner retrying it while the
    /// database was down has started it by then.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan NeverStartedSettle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often any replica looks for such scans.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(30);
}
