using Microsoft.AspNetCore.Http;
using TrustedOss.WebhookIngest.Receiving;

namespace TrustedOss.WebhookIngest.Tests;

public sealed class WebhookProviderTests
{
    [Fact]
    public void GitHub_needs_signature_delivery_and_event()
    {
        var missing = WebhookProvider.MissingHeaders(WebhookProvider.GitHub, new HeaderDictionary { ["X-GitHub-Event"] = "push" });

        Assert.Equal(["X-Hub-Signature-256", "X-GitHub-Delivery"], missing);
    }

    [Fact]
    public void GitLab_accepts_its_token()
    {
        var headers = new HeaderDictionary { ["X-Gitlab-Token"] = "secret", ["X-Gitlab-Event"] = "Push Hook" };

        Assert.Empty(WebhookProvider.MissingHeaders(WebhookProvider.GitLab, headers));
    }

    [Fact]
    public void GitLab_with_a_standard_webhooks_signature_needs_the_whole_triple()
    {
        var headers = new HeaderDictionary { ["webhook-signature"] = "v1,abc", ["X-Gitlab-Event"] = "Push Hook" };

        Assert.Equal(["webhook-id", "webhook-timestamp"], WebhookProvider.MissingHeaders(WebhookProvider.GitLab, headers));
    }

    [Fact]
    public void Blank_headers_count_as_missing()
    {
        var headers = new HeaderDictionary { ["X-Gitlab-Token"] = " ", ["X-Gitlab-Event"] = "Push Hook" };

        Assert.Equal(["X-Gitlab-Token"], WebhookProvider.MissingHeaders(WebhookProvider.GitLab, headers));
    }

    [Fact]
    public void GitLab_with_its_token_needs_no_signature_triple_beside_it()
    {
        var headers = new HeaderDictionary { ["X-Gitlab-Token"] = "secret", ["webhook-signature"] = "v1,abc", ["X-Gitlab-Event"] = "Push Hook" };

        Assert.Empty(WebhookProvider.MissingHeaders(WebhookProvider.GitLab, headers));
    }

    [Theory]
    // A hook with both a secret token and a signing token sends both: the project's secret may be either.
    [InlineData(Secret, OtherSecret, true)]
    [InlineData(OtherSecret, Secret, true)]
    [InlineData(OtherSecret, OtherSecret, false)]
    public void A_GitLab_delivery_with_a_token_and_a_signature_verifies_when_either_is_the_secrets(string token, string signingSecret, bool verifies)
    {
        var body = System.Text.Encoding.UTF8.GetBytes("{}");
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var headers = new HeaderDictionary
        {
            ["X-Gitlab-Token"] = token,
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = StandardWebhookSignature.Sign(signingSecret, "msg_1", sentAt, body),
        };

        Assert.Equal(verifies, WebhookProvider.Verifies(WebhookProvider.GitLab, Secret, headers, body, sentAt));
    }

    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string OtherSecret = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkhIQ==";
}
