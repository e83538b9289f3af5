using StackExchange.Redis;
using TrustedOss.Redis;

namespace TrustedOss.Scans.Data;

/// <summary>Announces every change of a scan to every replica's <see cref="ScanCache"/>, on the Redis channel <c>scans:changed</c>.</summary>
internal sealed class ScanChanges(IConnectionMultiplexer redis, RedisDeadline deadline, ScanCache cache, TimeProvider time, ILogger<ScanChanges> logger)
    : AnnouncedChanges(redis, deadline, cache, "scans:changed", "scan", time, logger);
