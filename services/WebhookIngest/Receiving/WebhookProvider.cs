namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>The providers that post to us and the headers each delivery must carry (CONTRACT §4 step 3).</summary>
public static class WebhookProvider
{
    public const string GitHub = "github";
    public const string GitLab = "gitlab";

    private static readonly string[] GitHubHeaders = ["X-Hub-Signature-256", "X-GitHub-Delivery", "X-GitHub-Event"];
    private static readonly string[] StandardWebhookHeaders = ["webhook-id", "webhook-timestamp", "webhook-signature"];

    /// <summary>The required headers this request lacks; empty when it has them all.</summary>
    public static IReadOnlyList<string> MissingHeaders(string provider, IHeaderDictionary headers)
    {
        IEnumerable<string> required = provider switch
        {
            GitHub => GitHubHeaders,
            // GitLab proves the secret with its shared token, or with a Standard Webhooks signature
            // triple (a hook may send both; either one will do).
            GitLab => HasToken(headers) || !StandardWebhookHeaders.Any(headers.ContainsKey)
                ? ["X-Gitlab-Token", "X-Gitlab-Event"]
                : [.. StandardWebhookHeaders, "X-Gitlab-Event"],
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown webhook provider."),
        };
        return [.. required.Where(name => string.IsNullOrWhiteSpace(headers[name]))];
    }

    /// <summary>The event, as the provider's event header names it.</summary>
    public static string EventName(string provider, IHeaderDictionary headers) =>
        headers[provider == GitHub ? "X-GitHub-Event" : "X-Gitlab-Event"].ToString();

    /// <summary>
    /// The provider's id of the delivery, the same on every retry (CONTRACT §4 step 6): GitHub's
    /// <c>X-GitHub-Delivery</c>; GitLab's <c>Idempotency-Key</c> (17.4 and later), else
    /// <c>X-Gitlab-Event-UUID</c>, else a digest of the body, which a retry repeats byte for byte.
    /// A delivery signed the Standard Webhooks way is its <c>webhook-id</c>, which the signature
    /// covers and retries keep: a copy replayed within the signature's five minutes under another
    /// unsigned id is still a repeat.
    /// </summary>
    public static string DeliveryId(string provider, IHeaderDictionary headers, byte[] body)
    {
        var id = provider == GitHub
            ? headers["X-GitHub-Delivery"].ToString()
            : headers.ContainsKey("webhook-signature")
                ? headers["webhook-id"].ToString()
                : FirstOf(headers["Idempotency-Key"].ToString(), headers["X-Gitlab-Event-UUID"].ToString());
        return id.Length is > 0 and <= MaxDeliveryIdLength ? id : "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
    }

    /// <summary>
    /// Whether <paramref name="secret"/> signed this delivery: GitHub's HMAC; for GitLab, its token
    /// or its Standard Webhooks signature, whichever it sent (a hook with both a secret token and a
    /// signing token sends both, and the project's secret may be either).
    /// </summary>
    public static bool Verifies(string provider, string secret, IHeaderDictionary headers, byte[] body, DateTimeOffset now) =>
        provider == GitHub
            ? GitHubSignature.Verifies(secret, body, headers["X-Hub-Signature-256"])
            : (HasToken(headers) && GitLabToken.Verifies(secret, headers["X-Gitlab-Token"]))
                | (headers.TryGetValue("webhook-signature", out var signatures)
                    && StandardWebhookSignature.Verifies(secret, body, headers["webhook-id"], headers["webhook-timestamp"], signatures, now));

    private static bool HasToken(IHeaderDictionary headers) => !string.IsNullOrWhiteSpace(headers["X-Gitlab-Token"]);

    /// <summary>Longer ids are not a provider's: they are replaced by the body's digest rather than stored.</summary>
    private const int MaxDeliveryIdLength = 200;

    private static string FirstOf(params string[] values) => values.FirstOrDefault(v => v.Length > 0) ?? "";
}
