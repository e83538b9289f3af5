using System.Text.Json;
using Npgsql;
using TrustedOss.Contracts;
using TrustedOss.Messaging.Outbox;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.WebhookIngest;

/// <summary>
/// Sends this service's changes to the one audit log (kept by the Keys service) as
/// <see cref="AuditRecorded"/> messages, in the change's own transaction through the outbox: a
/// change is never committed without its audit row, nor audited without being committed.
/// </summary>
internal sealed class AuditTrail(Outbox outbox, TimeProvider time)
{
    /// <summary>What secrets are written as in a diff.</summary>
    public const string Redacted = "***";

    public Task RecordAsync(
        NpgsqlTransaction transaction, CallerIdentity? caller, HttpContext http, string targetTable, Guid targetId, string action, Guid? teamId,
        object diff) =>
        outbox.EnqueueAsync(transaction, Row(caller, http, targetTable, targetId, action, teamId, diff), http.RequestAborted);

    /// <summary>The row for a change that is written with others (<see cref="AuditBatchRecorded"/>).</summary>
    public AuditRecorded Row(CallerIdentity? caller, HttpContext http, string targetTable, Guid targetId, string action, Guid? teamId, object diff) =>
        new(Guid.CreateVersion7(time.GetUtcNow()), time.GetUtcNow(), caller?.UserId, caller?.ApiKeyId, teamId, targetTable, targetId, action,
            http.TraceIdentifier, JsonSerializer.Serialize(diff, ApiJson.Options), RequestIdMiddleware.ClientRequestId(http));
}
