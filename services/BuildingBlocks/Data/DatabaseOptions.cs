using System.ComponentModel.DataAnnotations;

namespace TrustedOss.Data;

/// <summary>
/// How many connections a service holds to PostgreSQL, and how long it waits on it before it answers 503. Every query here is small and
/// indexed; one that takes a second means the server is stalled, and a request that waits longer
/// than a client's patience helps nobody. Npgsql counts both in whole seconds, and a command that
/// times out costs more than its own timeout: Npgsql first sends PostgreSQL a cancel request on a
/// new connection and waits for it to close, each step bounded by the connect timeout. So a
/// stalled server costs a request at most command + 2 × connect timeout (3 s by default).
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Longest wait for one command; past it the connection is dropped and the request gets 503.</summary>
    [Range(1, 300)]
    public int CommandTimeoutSeconds { get; set; } = 1;

    /// <summary>Longest wait for a connection (a new one, or a free one from the pool).</summary>
    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 1;

    /// <summary>
    /// Most connections one replica holds; a request beyond them waits for one, within
    /// <see cref="ConnectTimeoutSeconds"/>. Every replica of every service at its most must stay
    /// within the server's <c>max_connections</c> (docs/benchmarks.md has a run with 10).
    /// </summary>
    [Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 100;
}
