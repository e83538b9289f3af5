using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;
using TrustedOss.Contracts;
using TrustedOss.Data;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.WebhookIngest.Data;
using TrustedOss.WebhookIngest.Settings;

namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// CONTRACT §4 steps 4–8 for a delivery whose body and headers are in order: find the project by
/// its repository, verify the signature with its secret (during a rotation, the previous one
/// too), recognise a repeat, decide what the event asks for, and store the delivery with its
/// <see cref="DeliveryReceived"/> and audit row, committed together (<see cref="DeliveryWriter"/>), before answering. The scan id
/// in the answer is the one the Scan service will create, whatever restarts in between.
/// </summary>
internal sealed class DeliveryReceiver(
    WebhookStore store, WebhookLookup lookup, DeliveryWriter writer, WebhookSecretCipher cipher, AuditTrail audit, IConnectionMultiplexer redis, RedisDeadline redisDeadline,
    WebhookMetrics metrics, TimeProvider time, ILogger<DeliveryReceiver> logger)
{
    public async Task<Results<Ok<WebhookAnswer>, ApiProblem>> ReceiveAsync(string provider, HttpContext http, byte[] body, ProviderEvent providerEvent)
    {
        var headers = http.Request.Headers;
        var webhook = await VerifiedWebhookAsync(provider, providerEvent, headers, body, http.RequestAborted);
        if (webhook is null)
        {
            // An unknown repository gets the very same answer as a bad signature: nobody can probe which repositories exist.
            return InvalidSignature();
        }

        if (providerEvent.Scans && providerEvent.Ref is { } gitRef && System.Text.Encoding.UTF8.GetByteCount(gitRef) > MaxRefBytes)
        {
            // Answered before anything is stored: a scan the Scan service could not store (its
            // index takes no longer ref) would be promised and never exist.
            return ApiProblems.Validation("ref", $"A ref of at most {MaxRefBytes} bytes can be scanned.");
        }

        var deliveryId = WebhookProvider.DeliveryId(provider, headers, body);
        var active = providerEvent.Scans ? await ActiveScanAsync(webhook.ProjectId, providerEvent.Ref) : null;
        var (outcome, scanId) = (providerEvent.Scans, active) switch
        {
            (false, _) => (DeliveryOutcome.Ignored, (Guid?)null),
            (true, { } activeScan) => (DeliveryOutcome.SkippedActiveScan, activeScan),
            _ => (DeliveryOutcome.Enqueued, Guid.CreateVersion7(time.GetUtcNow())),
        };
        var delivery = new DeliveryRow(Guid.CreateVersion7(time.GetUtcNow()), webhook.ProjectId, provider, deliveryId, providerEvent.EventType,
            outcome, scanId, time.UtcNowForDatabase());
        var scan = outcome == DeliveryOutcome.Enqueued
            ? new DeliveryReceived(delivery.Id, scanId!.Value, webhook.ProjectId, webhook.RepositoryUrl, provider, providerEvent.EventType,
                providerEvent.Ref, providerEvent.CommitSha, time.GetUtcNow())
            : null;
        var audited = audit.Row(caller: null, http, "webhook_deliveries", delivery.Id, "create", webhook.TeamId,
            new { delivery.Provider, delivery.DeliveryId, delivery.EventType, delivery.Outcome, delivery.ScanId, delivery.ProjectId });
        if (!await writer.StoreAsync(new DeliveryWrite(delivery, http.TraceIdentifier, scan, audited, Activity.Current?.Id), http.RequestAborted))
        {
            // A repeat (a retry, or one racing this answer): the first delivery stands and nothing new is stored.
            metrics.Answered(provider, DeliveryOutcome.Duplicate);
            return Duplicate((await store.FindDeliveryAsync(webhook.ProjectId, provider, deliveryId, http.RequestAborted))!);
        }

        // Counted, and logged only at Debug: at hundreds a second a line each would cost more than
        // the delivery (each is in the deliveries list, the audit log and its trace).
        metrics.Answered(provider, delivery.Outcome);
        logger.LogDebug("{Provider} delivery {DeliveryId} ({EventType}) for project {ProjectId}: {Outcome}",
            provider, deliveryId, providerEvent.EventType, webhook.ProjectId, delivery.Outcome);
        return TypedResults.Ok(new WebhookAnswer(delivery.Outcome, deliveryId, scanId));
    }

    /// <summary>
    /// The scan of the project and ref the Scan service noted as queued or running, if any. Without
    /// an answer from Redis in time, the delivery scans: a second scan is better than a lost one.
    /// </summary>
    private async Task<Guid?> ActiveScanAsync(Guid projectId, string? gitRef)
    {
        try
        {
            var noted = await redisDeadline.WithinAsync(redis.GetDatabase().StringGetAsync(ActiveScanMarker.Key(projectId, gitRef)));
            return Guid.TryParse(noted.ToString(), out var scanId) ? scanId : null;
        }
        catch (Exception ex) when (RedisOutage.Is(ex))
        {
            logger.LogWarning("Active scans could not be looked up ({Reason}); the delivery scans", ex.Message);
            return null;
        }
    }

    /// <summary>The project whose secret signed the delivery, among those with this provider and repository.</summary>
    private async Task<ProjectWebhookRow?> VerifiedWebhookAsync(
        string provider, ProviderEvent providerEvent, IHeaderDictionary headers, byte[] body, CancellationToken cancellationToken)
    {
        var keys = providerEvent.RepositoryUrls.Where(RepositoryUrl.CouldBeAProjects).Select(RepositoryUrl.Key).Distinct().ToArray();
        if (keys.Length == 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var webhooks = await lookup.ForRepositoryAsync(provider, keys, cancellationToken);
        if (webhooks.Count == 0)
        {
            // A repository without a webhook costs the verification a wrong signature costs (an HMAC
            // over the body, which for 5 MiB takes milliseconds): the answer's timing, like its
            // bytes, does not tell whether the repository has one.
            _ = WebhookProvider.Verifies(provider, DecoySecret, headers, body, now);
            return null;
        }

        foreach (var webhook in webhooks)
        {
            if (SecretsOf(webhook, now).Any(secret => WebhookProvider.Verifies(provider, secret, headers, body, now)))
            {
                return webhook;
            }
        }

        return null;
    }

    /// <summary>Far beyond any branch name (git keeps each part of a ref under 255 bytes), well within what an index entry holds.</summary>
    internal const int MaxRefBytes = 1024;

    /// <summary>A secret of no project (random, never stored or shown), to verify against when no project has the repository.</summary>
    private static readonly string DecoySecret = WebhookSecret.New();

    /// <summary>
    /// The current secret, then the previous and the retiring one while their grace lasts. A secret
    /// that cannot be decrypted (stored under an earlier <c>Webhooks__SecretKey</c>) verifies nothing,
    /// so the answer stays the same 401 as for an unknown repository, never a 500.
    /// </summary>
    private IEnumerable<string> SecretsOf(ProjectWebhookRow webhook, DateTimeOffset now)
    {
        (string? Sealed, DateTime? Until)[] secrets =
            [(webhook.Secret, null), (webhook.PreviousSecret, webhook.PreviousSecretExpiresAt), (webhook.RetiringSecret, webhook.RetiringSecretExpiresAt)];
        foreach (var (sealedSecret, until) in secrets)
        {
            if (sealedSecret is not null && (until is null || until > now.UtcDateTime) && Decrypted(webhook, sealedSecret) is { } secret)
            {
                yield return secret;
            }
        }
    }

    private string? Decrypted(ProjectWebhookRow webhook, string sealedSecret)
    {
        try
        {
            return cipher.Decrypt(webhook.ProjectId, sealedSecret);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            logger.LogWarning("A webhook secret of project {ProjectId} cannot be decrypted with this Webhooks__SecretKey; set the webhook again (PUT) to give it one",
                webhook.ProjectId);
            return null;
        }
    }

    private static Ok<WebhookAnswer> Duplicate(DeliveryRow earlier) =>
        TypedResults.Ok(new WebhookAnswer(DeliveryOutcome.Duplicate, earlier.DeliveryId, earlier.ScanId));

    private static ApiProblem InvalidSignature() =>
        ApiProblems.Unauthorized("Invalid Webhook Signature", "The delivery's signature does not verify with the project's webhook secret.");
}

/// <summary>What became of a delivery (the answer's <c>status</c>).</summary>
public static class DeliveryOutcome
{
    public const string Enqueued = "enqueued";
    public const string Duplicate = "duplicate";
    public const string Ignored = "ignored";
    public const string SkippedActiveScan = "skipped_active_scan";
}
