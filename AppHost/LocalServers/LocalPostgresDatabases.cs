using Npgsql;

namespace TrustedOss.AppHost.LocalServers;

/// <summary>
/// Makes one service's database and role as the server's superuser: the role logs in with its own
/// password and owns the database and everything in it; no other role may even connect to it.
/// Re-run at every start, so an older data folder (databases owned by the superuser) is brought in
/// line and a changed password takes effect.
/// </summary>
internal static class LocalPostgresDatabases
{
    public static async Task EnsureAsync(string superuser, string database, string role, string password, CancellationToken cancellationToken)
    {
        // Identifiers and the password cannot be parameters here; they come from the AppHost's own
        // code and generated secrets (hex), and are quoted all the same.
        var roleName = Identifier(role);
        var databaseName = Identifier(database);
        await using (var server = Unpooled(superuser, "postgres"))
        {
            await server.OpenAsync(cancellationToken);
            var roleExists = await ExistsAsync(server, "SELECT 1 FROM pg_roles WHERE rolname = @name", role, cancellationToken);
            await ExecuteAsync(server, $"{(roleExists ? "ALTER" : "CREATE")} ROLE {roleName} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {Literal(password)}", cancellationToken);
            if (await ExistsAsync(server, "SELECT 1 FROM pg_database WHERE datname = @name", database, cancellationToken))
            {
                await ExecuteAsync(server, $"ALTER DATABASE {databaseName} OWNER TO {roleName}", cancellationToken);
            }
            else
            {
                await ExecuteAsync(server, $"CREATE DATABASE {databaseName} OWNER {roleName}", cancellationToken);
            }

            await ExecuteAsync(server, $"REVOKE ALL ON DATABASE {databaseName} FROM PUBLIC", cancellationToken);
        }

        // Tables and functions made before the database had its own role move to it.
        await using var inDatabase = Unpooled(superuser, database);
        await inDatabase.OpenAsync(cancellationToken);
        await ExecuteAsync(inDatabase, $$"""
            DO $$
            DECLARE statement text;
            BEGIN
                FOR statement IN
                    SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, {{Literal(role)}}) FROM pg_tables
                    WHERE schemaname = 'public' AND tableowner <> {{Literal(role)}}
                    UNION ALL
                    SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, {{Literal(role)}}) FROM pg_proc p
                    JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> {{Literal(role)}}
                LOOP
                    EXECUTE statement;
                END LOOP;
            END $$
            """, cancellationToken);
    }

    /// <summary>
    /// A connection of its own, not from a pool: the AppHost connects once per start or health
    /// probe, and a pooled connection would outlive a restart of the server and fail its next use.
    /// </summary>
    public static NpgsqlConnection Unpooled(string connectionString, string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        if (database is not null)
        {
            builder.Database = database;
        }

        return new NpgsqlConnection(builder.ConnectionString);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string sql, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Identifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}
