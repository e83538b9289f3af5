using Dapper;
using Npgsql;

namespace TrustedOss.Keys.People;

internal sealed class PeopleStore(NpgsqlDataSource db)
{
    private const string UserColumns =
        "id, email, full_name AS FullName, password_hash AS PasswordHash, is_superuser AS IsSuperuser, is_active AS IsActive, created_at AS CreatedAt";

    public async Task<UserRow?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE lower(email) = lower(@email)", new { email }, cancellationToken: cancellationToken));
    }

    /// <summary>The active user with their memberships, or null (unknown or deactivated).</summary>
    public async Task<CurrentUser?> CurrentAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE id = @userId AND is_active", new { userId }, cancellationToken: cancellationToken));
        if (user is null)
        {
            return null;
        }

        var memberships = await connection.QueryAsync<Membership>(new CommandDefinition(
            """
            SELECT m.team_id AS TeamId, t.name AS TeamName, m.role
            FROM memberships m JOIN teams t ON t.id = m.team_id
            WHERE m.user_id = @userId ORDER BY t.name
            """,
            new { userId }, cancellationToken: cancellationToken));
        return new CurrentUser(user, [.. memberships]);
    }

    public async Task<UserRow?> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken));
    }
}
