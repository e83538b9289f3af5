namespace TrustedOss.Web.Components.Webhooks;

/// <summary>What became of a delivery, in words (the API's <c>outcome</c>, CONTRACT §4).</summary>
public static class DeliveryOutcomes
{
    public static string Describe(string outcome) => outcome switch
    {
        "enqueued" => "Became a scan",
        "skipped_active_scan" => "No new scan: one of this ref was already queued or running",
        "ignored" => "Ignored: not a push or pull request event",
        "duplicate" => "Duplicate: already received",
        _ => outcome,
    };

    /// <summary>The grace periods offered when a secret is rotated, in hours (the API allows 0 to 168).</summary>
    public static readonly (int Hours, string Label)[] Graces =
        [(0, "None: the old secret stops at once"), (1, "1 hour"), (24, "24 hours"), (72, "3 days"), (168, "7 days")];
}
