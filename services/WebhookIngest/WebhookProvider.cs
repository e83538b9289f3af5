namespace TrustedOss.WebhookIngest;

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
            // GitLab signs with its shared token, or with a Standard Webhooks signature triple.
            GitLab => headers.ContainsKey("webhook-signature")
                ? [.. StandardWebhookHeaders, "X-Gitlab-Event"]
                : ["X-Gitlab-Token", "X-Gitlab-Event"],
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown webhook provider."),
        };
        return [.. required.Where(name => string.IsNullOrWhiteSpace(headers[name]))];
    }
}
