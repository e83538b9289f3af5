namespace TrustedOss.Scans.Running;

/// <summary>
/// Why a scan failed, as its <c>error_code</c> and <c>error_message</c>. The messages are fixed
/// texts: what git or the network said stays in the Scan service's log, so a scan's result cannot
/// tell an open port from a closed one or echo a server's banner.
/// </summary>
public sealed record ScanError(string Code, string Message)
{
    public static ScanError InvalidRequest { get; } =
        new("invalid_request", "The scan's repository URL or ref is not one a scan may use.");

    public static ScanError TransportNotAllowed { get; } =
        new("transport_not_allowed", "Repositories of this kind (file://) are not allowed on this server.");

    public static ScanError HostNotFound { get; } =
        new("host_not_found", "The repository's host name did not resolve.");

    public static ScanError AddressNotAllowed { get; } =
        new("address_not_allowed", "The repository's host is on a loopback, private or link-local network, which scans may not reach.");

    public static ScanError RepositoryUnreachable { get; } =
        new("repository_unreachable", "The repository could not be read: it does not exist, it is not public, or its host refused.");

    public static ScanError RepositoryEmpty { get; } =
        new("repository_empty", "The repository has no default branch (is it empty?).");

    public static ScanError AnswerTooLarge { get; } =
        new("answer_too_large", "The repository's answer was larger than a scan reads.");

    public static ScanError RepositoryTooLarge { get; } =
        new("repository_too_large", "The commit is larger than a scan fetches (its files or its size).");

    public static ScanError Internal { get; } =
        new("internal_error", "The scan stopped on an internal error.");

    public static ScanError Timeout(TimeSpan limit) =>
        new("timeout", $"The repository did not answer within {limit.TotalSeconds:0} seconds.");

    /// <summary>A commit a trigger named by its id that the repository does not hold (any more).</summary>
    public static ScanError CommitNotFound(string commitSha) =>
        new("commit_not_found", $"The commit {commitSha} is not in the repository (was it force-pushed away?).");

    /// <summary>The ref was checked when the scan was requested, so naming it echoes only the caller's own input.</summary>
    public static ScanError RefNotFound(string gitRef) =>
        new("ref_not_found", $"The ref '{gitRef}' is not in the repository.");
}

/// <summary>A scan failed for a reason it can state (<see cref="ScanError"/>).</summary>
public sealed class ScanFailedException(ScanError error) : Exception(error.Message)
{
    public ScanError Error => error;
}
