using Dapper;
using Npgsql;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Keys.Directory;

namespace TrustedOss.Keys.Data;

/// <summary>Users, teams and memberships: every query about people.</summary>
internal sealed class DirectoryStore(NpgsqlDataSource db, PeopleCache people)
{
    // In the order of UserRow's constructor, which is how Dapper matches the columns to it.
    private const string UserColumns = $"{UserColumnsBeforeHash}, password_hash AS PasswordHash, {UserColumnsAfterHash}";

    /// <summary>A user's columns with an empty password hash: for what is kept in memory.</summary>
    private const string UserColumnsWithoutHash = $"{UserColumnsBeforeHash}, '' AS PasswordHash, {UserColumnsAfterHash}";

    private const string UserColumnsBeforeHash = "id, email, full_name AS FullName";

    private const string UserColumnsAfterHash = "is_superuser AS IsSuperuser, is_active AS IsActive, created_at AS CreatedAt";

    // Emails compare case-insensitively (the unique index is on lower(email)).
    private const string InsertUser = """
        INSERT INTO users (id, email, full_name, password_hash, is_superuser, is_active, created_at)
        VALUES (@Id, @Email, @FullName, @PasswordHash, @IsSuperuser, true, @CreatedAt)
        ON CONFLICT (lower(email)) DO NOTHING
        """;

    /// <summary>
    /// The user an email signs in as (null when none), and the email as the database compares it:
    /// the same for every spelling that finds that user (other letter cases, and look-alike letters
    /// the database's <c>lower()</c> takes as the same), whether a user is found or not.
    /// </summary>
    public async Task<(UserRow? User, string ComparedEmail)> FindForSignInAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var found = await connection.QueryAsync<string, UserRow?, (UserRow?, string)>(new CommandDefinition(
                $"SELECT lower(@email) AS compared, {UserColumns} FROM (SELECT 1) AS one LEFT JOIN users ON lower(email) = lower(@email)",
                new { email }, cancellationToken: cancellationToken),
            (compared, user) => (user, compared), splitOn: "id");
        return found.Single();
    }

    /// <summary>
    /// The active user with their memberships, or null (unknown or deactivated). Every person's
    /// request to this service needs it, so it is one statement: the user's row once per
    /// membership (or once, with none), in team name order. Without the password hash, which no
    /// authorization needs and no cache should hold.
    /// </summary>
    private const string CurrentUserQuery = $"""
        SELECT u.*, m.team_id AS TeamId, t.name AS TeamName, m.role
        FROM (SELECT {UserColumnsWithoutHash} FROM users WHERE id = @userId AND is_active) AS u
        LEFT JOIN memberships m ON m.user_id = u.id
        LEFT JOIN teams t ON t.id = m.team_id
        ORDER BY t.name
        """;

    /// <summary>The active user and their memberships: from this replica's <see cref="PeopleCache"/> when it holds them, else from the database.</summary>
    public ValueTask<CurrentUser?> CurrentAsync(Guid userId, CancellationToken cancellationToken) =>
        people.ReadThroughAsync(userId, this, static (store, id, ct) => store.ReadCurrentAsync(id, ct), cancellationToken);

    private async Task<CurrentUser?> ReadCurrentAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await CurrentAsync(connection, new CommandDefinition(CurrentUserQuery, new { userId }, cancellationToken: cancellationToken));
    }

    /// <summary>The active user and their memberships as <paramref name="change"/> sees them (null: none, or deactivated).</summary>
    public static Task<CurrentUser?> CurrentAsync(AuditedTransaction change, Guid userId) =>
        CurrentAsync(change.Connection, change.Command(CurrentUserQuery, new { userId }));

    private static async Task<CurrentUser?> CurrentAsync(NpgsqlConnection connection, CommandDefinition query)
    {
        var rows = (await connection.QueryAsync<UserRow, Membership?, (UserRow User, Membership? Membership)>(query,
            (user, membership) => (user, membership), splitOn: "TeamId")).ToList();
        return rows.Count == 0 ? null : new CurrentUser(rows[0].User, [.. rows.Select(r => r.Membership).OfType<Membership>()]);
    }

    public async Task<UserRow?> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Every team, newest first.</summary>
    public async Task<PagedList<DirectoryApi.TeamResponse>> ListTeamsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM teams", cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<DirectoryApi.TeamResponse>(new CommandDefinition(
            "SELECT id, name FROM teams ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset",
            new { limit = page.PageSize, offset = page.Offset }, cancellationToken: cancellationToken));
        return new PagedList<DirectoryApi.TeamResponse>([.. items], total, page.Page, page.PageSize);
    }

    public async Task<bool> TeamExistsAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM teams WHERE id = @teamId)", new { teamId }, cancellationToken: cancellationToken));
    }

    /// <summary>Creates the user unless one with that email exists (false then).</summary>
    /// <summary>Creates the user with its audit row, in one transaction; false (nothing written) when the email is taken.</summary>
    public async Task<bool> TryCreateUserAsync(UserRow user, AuditRecorded audited, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(InsertUser, user, transaction, cancellationToken: cancellationToken)) != 1)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(AuditedChanges.InsertRow, audited, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public static async Task<bool> TryCreateUserAsync(AuditedTransaction change, UserRow user) =>
        await change.Connection.ExecuteAsync(change.Command(InsertUser, user)) == 1;

    /// <summary>
    /// Activates or deactivates a user; false when there is none. Their keys' versions move on with
    /// them, so the refreshed cache entries win over any older copy.
    /// </summary>
    public static async Task<bool> TrySetActiveAsync(AuditedTransaction change, Guid userId, bool isActive)
    {
        if (await change.Connection.ExecuteAsync(change.Command(
                "UPDATE users SET is_active = @isActive WHERE id = @userId", new { userId, isActive })) == 0)
        {
            return false;
        }

        await NewVersionOfIssuedKeysAsync(change, userId);
        return true;
    }

    /// <summary>
    /// The user's keys get a new version, so their refreshed cache entries win over any older copy.
    /// Under the user's issuing lock (<see cref="ApiKeyStore.LockIssuerAsync"/>): a key being issued
    /// meanwhile is either committed first, and moved on here, or issued after this change commits,
    /// by rights read after it.
    /// </summary>
    public static async Task NewVersionOfIssuedKeysAsync(AuditedTransaction change, Guid userId)
    {
        await ApiKeyStore.LockIssuerAsync(change, userId);
        await change.Connection.ExecuteAsync(change.Command(
            "UPDATE api_keys SET version = version + 1 WHERE created_by_user_id = @userId", new { userId }));
    }

    /// <summary>Creates the team unless one with that name exists (false then).</summary>
    public static async Task<bool> TryCreateTeamAsync(AuditedTransaction change, Guid id, string name, DateTime createdAt) =>
        await change.Connection.ExecuteAsync(change.Command(
            "INSERT INTO teams (id, name, created_at) VALUES (@id, @name, @createdAt) ON CONFLICT (name) DO NOTHING",
            new { id, name, createdAt })) == 1;

    /// <summary>Which of the two exist.</summary>
    public static Task<(bool Team, bool User)> ExistAsync(AuditedTransaction change, Guid teamId, Guid userId) =>
        change.Connection.QuerySingleAsync<(bool Team, bool User)>(change.Command(
            "SELECT EXISTS (SELECT 1 FROM teams WHERE id = @teamId), EXISTS (SELECT 1 FROM users WHERE id = @userId)",
            new { teamId, userId }));

    /// <summary>
    /// Gives the person the role in the team; the role they had there before (null: none, a new
    /// membership). The membership is locked before it is read, whether or not its row exists yet, so
    /// a concurrent change of the same membership (a form sent twice) waits and then sees this one's
    /// role: one create, never two.
    /// </summary>
    public static async Task<string?> PutMembershipAsync(AuditedTransaction change, Guid teamId, Guid userId, string role, DateTime now)
    {
        await change.Connection.ExecuteAsync(change.Command(
            "SELECT pg_advisory_xact_lock(hashtextextended(@teamId::text || '/' || @userId::text, 1))", new { teamId, userId }));
        var previous = await change.Connection.QuerySingleOrDefaultAsync<string?>(change.Command(
            "SELECT role FROM memberships WHERE team_id = @teamId AND user_id = @userId FOR UPDATE", new { teamId, userId }));
        await change.Connection.ExecuteAsync(change.Command(
            """
            INSERT INTO memberships (team_id, user_id, role, created_at) VALUES (@teamId, @userId, @role, @now)
            ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role
            """,
            new { teamId, userId, role, now }));
        return previous;
    }

    /// <summary>Removes the membership; false when there was none.</summary>
    public static async Task<bool> DeleteMembershipAsync(AuditedTransaction change, Guid teamId, Guid userId) =>
        await change.Connection.ExecuteAsync(change.Command(
            "DELETE FROM memberships WHERE team_id = @teamId AND user_id = @userId", new { teamId, userId })) > 0;
}
