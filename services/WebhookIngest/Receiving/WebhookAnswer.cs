namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// The answer to a verified delivery (CONTRACT §4): what became of it (enqueued, duplicate,
/// ignored, skipped_active_scan), the provider's delivery id, and the scan it started, if any.
/// </summary>
public sealed record WebhookAnswer(string Status, string DeliveryId, Guid? ScanId);
