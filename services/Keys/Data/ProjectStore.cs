using Dapper;
using Npgsql;
using TrustedOss.Data;
using TrustedOss.Keys.Directory;
using TrustedOss.Keys.Projects;

namespace TrustedOss.Keys.Data;

internal sealed class ProjectStore(NpgsqlDataSource db)
{
    private const string Columns = "id, team_id AS TeamId, name, git_url AS GitUrl, created_at AS CreatedAt";

    public async Task<Project?> GetAsync(Guid projectId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Project>(new CommandDefinition(
            $"SELECT {Columns} FROM projects WHERE id = @projectId", new { projectId }, cancellationToken: cancellationToken));
    }

    /// <summary>Projects the user may see (super admins: all; others: their teams'), newest first.</summary>
    public async Task<PagedList<Project>> ListAsync(CurrentUser user, Guid? teamId, PageRequest page, CancellationToken cancellationToken)
    {
        const string Filter = """
            WHERE (@all OR team_id = ANY(@teams))
              AND (@teamId::uuid IS NULL OR team_id = @teamId)
            """;
        var parameters = new { all = user.IsSuperuser, teams = user.TeamIds, teamId, limit = page.PageSize, offset = page.Offset };
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM projects {Filter}", parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<Project>(new CommandDefinition(
            $"SELECT {Columns} FROM projects {Filter} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset",
            parameters, cancellationToken: cancellationToken));
        return new PagedList<Project>([.. items], total, page.Page, page.PageSize);
    }

    /// <summary>Creates the project unless its team has one of that name (false then).</summary>
    public static async Task<bool> TryCreateAsync(AuditedTransaction change, Project project) =>
        await change.Connection.ExecuteAsync(change.Command(
            """
            INSERT INTO projects (id, team_id, name, git_url, created_at) VALUES (@Id, @TeamId, @Name, @GitUrl, @CreatedAt)
            ON CONFLICT (team_id, name) DO NOTHING
            """, project)) == 1;
}
