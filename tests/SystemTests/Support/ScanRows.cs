using Npgsql;
using TrustedOss.AppHost;

namespace TrustedOss.SystemTests.Support;

/// <summary>The Scan service's own rows, read straight from its database: a doubled scan shows there whatever the API says.</summary>
internal static class ScanRows
{
    /// <summary>Every scan of the projects, however it was made.</summary>
    public static async Task<long> CountAsync(SystemFixture system, params Guid[] projectIds)
    {
        await using var connection = await system.OpenDatabaseAsync(ResourceNames.ScansDatabase);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM scans WHERE project_id = ANY(@projectIds)", connection);
        count.Parameters.AddWithValue("projectIds", projectIds);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
