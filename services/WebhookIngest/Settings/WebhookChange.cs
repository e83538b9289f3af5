using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TrustedOss.Access;
using TrustedOss.Data;
using TrustedOss.Messaging.Outbox;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.WebhookIngest.Data;
using TrustedOss.WebhookIngest.Receiving;

namespace TrustedOss.WebhookIngest.Settings;

/// <summary>
/// One change that gives a project's webhook a new secret (set, rotate), bound as a single handler
/// parameter. <see cref="ApplyAsync"/> does what both do; the handler says what changes.
/// </summary>
internal sealed record WebhookChange(
    Guid ProjectId, CallerIdentity Caller, HttpContext Http, KeysClient Keys, WebhookStore Store, WebhookSecretCipher Cipher, AuditTrail Audit,
    Outbox Outbox, WebhookLookup Lookup, TimeProvider Time)
{
    /// <summary>The new secret, encrypted for this project, and when the change happens.</summary>
    public sealed record NewSecret(string Encrypted, DateTime Now);

    /// <summary>
    /// Checks the caller manages the project, makes a new secret and runs <paramref name="change"/>
    /// in a transaction with the audit row it returns (null: there was nothing to change, 404).
    /// Answers with the webhook as the change stored it and the new secret, shown this once: nothing
    /// is read after the commit, whose failure would lose the only showing of a secret now in force.
    /// </summary>
    public async Task<Results<Ok<WebhookSettingsApi.WebhookResponse>, ApiProblem>> ApplyAsync(
        Func<NpgsqlTransaction, ProjectAccess, NewSecret, Task<(ProjectWebhookRow Stored, object Diff)?>> change)
    {
        var (access, refused) = await WebhookSettingsApi.ManageableAsync(ProjectId, Http, Keys);
        if (refused is not null)
        {
            return refused;
        }

        var secret = WebhookSecret.New();
        var newSecret = new NewSecret(Cipher.Encrypt(ProjectId, secret), Time.UtcNowForDatabase());
        ProjectWebhookRow stored;
        var (connection, transaction) = await Store.BeginAsync(Http.RequestAborted);
        await using (connection)
        await using (transaction)
        {
            if (await change(transaction, access!, newSecret) is not var (row, diff))
            {
                return WebhookSettingsApi.WebhookNotSet(ProjectId);
            }

            stored = row;
            await Audit.RecordAsync(transaction, Caller, Http, "project_webhooks", ProjectId, "update", access!.TeamId, diff);
            await transaction.CommitAsync(Http.RequestAborted);
        }

        Outbox.Flush();
        // Before the answer: once it is seen, no replica verifies with the secret this change replaced.
        await Lookup.ChangedAsync();
        return TypedResults.Ok(WebhookSettingsApi.Response(Http, stored) with { Secret = secret });
    }
}
