using Dapper;
using Npgsql;
using TrustedOss.Data;

namespace TrustedOss.WebhookIngest.Data;

/// <summary>
/// A project's webhook as stored: secrets still encrypted. The previous secret verifies until its
/// grace ends; the retiring one, still in its grace when the webhook was rotated again, until its own.
/// </summary>
public sealed record ProjectWebhookRow(
    Guid ProjectId, Guid TeamId, string Provider, string RepositoryUrl, string Secret, string? PreviousSecret,
    DateTime? PreviousSecretExpiresAt, DateTime CreatedAt, DateTime? RotatedAt, string? RetiringSecret = null,
    DateTime? RetiringSecretExpiresAt = null);

/// <summary>A stored delivery, as the deliveries list shows it.</summary>
public sealed record DeliveryRow(Guid Id, Guid ProjectId, string Provider, string DeliveryId, string EventType, string Outcome, Guid? ScanId,
    DateTime ReceivedAt);

/// <summary>Every query of the Webhook-Ingest service: project webhooks and their deliveries.</summary>
internal sealed class WebhookStore(NpgsqlDataSource db)
{
    private const string WebhookColumns = """
        project_id AS ProjectId, team_id AS TeamId, provider, repository_url AS RepositoryUrl, secret, previous_secret AS PreviousSecret,
        previous_secret_expires_at AS PreviousSecretExpiresAt, created_at AS CreatedAt, rotated_at AS RotatedAt,
        retiring_secret AS RetiringSecret, retiring_secret_expires_at AS RetiringSecretExpiresAt
        """;

    private const string DeliveryColumns = """
        id, project_id AS ProjectId, provider, delivery_id AS DeliveryId, event_type AS EventType, outcome, scan_id AS ScanId,
        received_at AS ReceivedAt
        """;

    public async Task<ProjectWebhookRow?> GetAsync(Guid projectId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ProjectWebhookRow>(new CommandDefinition(
            $"SELECT {WebhookColumns} FROM project_webhooks WHERE project_id = @projectId", new { projectId }, cancellationToken: cancellationToken));
    }

    /// <summary>The webhooks of the provider whose repository is any of <paramref name="repositoryKeys"/> (normalised addresses).</summary>
    public async Task<IReadOnlyList<ProjectWebhookRow>> ForRepositoryAsync(string provider, string[] repositoryKeys, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ProjectWebhookRow>(new CommandDefinition(
            $"SELECT {WebhookColumns} FROM project_webhooks WHERE provider = @provider AND repository_key = ANY(@repositoryKeys) ORDER BY project_id",
            new { provider, repositoryKeys }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Sets the project's webhook (provider and a new secret), replacing any earlier one and ending any
    /// rotation; the webhook as stored now.
    /// </summary>
    public static Task<ProjectWebhookRow> PutAsync(NpgsqlTransaction transaction, ProjectWebhookRow webhook, string repositoryKey) =>
        transaction.Connection!.QuerySingleAsync<ProjectWebhookRow>(new CommandDefinition(
            $"""
            INSERT INTO project_webhooks (project_id, team_id, provider, repository_url, repository_key, secret, created_at)
            VALUES (@ProjectId, @TeamId, @Provider, @RepositoryUrl, @repositoryKey, @Secret, @CreatedAt)
            ON CONFLICT (project_id) DO UPDATE SET team_id = excluded.team_id, provider = excluded.provider,
                repository_url = excluded.repository_url, repository_key = excluded.repository_key, secret = excluded.secret,
                previous_secret = NULL, previous_secret_expires_at = NULL, retiring_secret = NULL, retiring_secret_expires_at = NULL,
                rotated_at = excluded.created_at
            RETURNING {WebhookColumns}
            """,
            new
            {
                webhook.ProjectId, webhook.TeamId, webhook.Provider, webhook.RepositoryUrl, repositoryKey, webhook.Secret, webhook.CreatedAt,
            },
            transaction));

    /// <summary>
    /// Makes <paramref name="secret"/> current; the current one verifies until
    /// <paramref name="previousExpiresAt"/>, and a previous one still in its grace until its own grace
    /// ends. The webhook as stored now; null when the project has none.
    /// </summary>
    public static Task<ProjectWebhookRow?> RotateAsync(NpgsqlTransaction transaction, Guid projectId, string secret, DateTime rotatedAt, DateTime previousExpiresAt) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<ProjectWebhookRow>(new CommandDefinition(
            $"""
            UPDATE project_webhooks SET
                retiring_secret = CASE WHEN previous_secret_expires_at > @rotatedAt THEN previous_secret END,
                retiring_secret_expires_at = CASE WHEN previous_secret_expires_at > @rotatedAt THEN previous_secret_expires_at END,
                previous_secret = secret, previous_secret_expires_at = @previousExpiresAt, secret = @secret, rotated_at = @rotatedAt
            WHERE project_id = @projectId
            RETURNING {WebhookColumns}
            """,
            new { projectId, secret, rotatedAt, previousExpiresAt }, transaction));

    public async Task<DeliveryRow?> FindDeliveryAsync(Guid projectId, string provider, string deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE project_id = @projectId AND provider = @provider AND delivery_id = @deliveryId",
            new { projectId, provider, deliveryId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Stores the deliveries whose (project, provider, delivery id) is not stored yet, the first of
    /// any repeated within them; returns the ids stored.
    /// </summary>
    public static async Task<HashSet<Guid>> TryAddDeliveriesAsync(NpgsqlTransaction transaction, IReadOnlyList<(DeliveryRow Delivery, string RequestId)> deliveries)
    {
        var rows = deliveries.Select(d => d.Delivery).ToList();
        var stored = await transaction.Connection!.QueryAsync<Guid>(new CommandDefinition(
            """
            INSERT INTO webhook_deliveries (id, provider, delivery_id, project_id, event_type, outcome, scan_id, request_id, received_at)
            SELECT * FROM unnest(@ids, @providers, @deliveryIds, @projectIds, @eventTypes, @outcomes, @scanIds, @requestIds, @receivedAt)
                AS d(id, provider, delivery_id, project_id, event_type, outcome, scan_id, request_id, received_at)
            -- Every batch takes its unique keys in one order, so two replicas' batches never deadlock.
            ORDER BY d.project_id, d.provider, d.delivery_id
            ON CONFLICT (project_id, provider, delivery_id) DO NOTHING
            RETURNING id
            """,
            new
            {
                ids = rows.Select(r => r.Id).ToArray(),
                providers = rows.Select(r => r.Provider).ToArray(),
                deliveryIds = rows.Select(r => r.DeliveryId).ToArray(),
                projectIds = rows.Select(r => r.ProjectId).ToArray(),
                eventTypes = rows.Select(r => r.EventType).ToArray(),
                outcomes = rows.Select(r => r.Outcome).ToArray(),
                scanIds = rows.Select(r => r.ScanId).ToArray(),
                requestIds = deliveries.Select(d => d.RequestId).ToArray(),
                receivedAt = rows.Select(r => r.ReceivedAt).ToArray(),
            },
            transaction));
        return [.. stored];
    }

    public async Task<PagedList<DeliveryRow>> ListDeliveriesAsync(Guid projectId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM webhook_deliveries WHERE project_id = @projectId", new { projectId }, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            $"""
            SELECT {DeliveryColumns} FROM webhook_deliveries WHERE project_id = @projectId
            ORDER BY received_at DESC, id DESC LIMIT @limit OFFSET @offset
            """,
            new { projectId, limit = page.PageSize, offset = page.Offset }, cancellationToken: cancellationToken));
        return new PagedList<DeliveryRow>([.. items], total, page.Page, page.PageSize);
    }

    /// <summary>A connection and transaction for one change; the caller commits.</summary>
    public async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await db.OpenConnectionAsync(cancellationToken);
        try
        {
            return (connection, await connection.BeginTransactionAsync(cancellationToken));
        }
        catch
        {
            // A client gone as the transaction began: nobody else holds the connection, and one
            // never disposed is lost to the pool for good.
            await connection.DisposeAsync();
            throw;
        }
    }
}
