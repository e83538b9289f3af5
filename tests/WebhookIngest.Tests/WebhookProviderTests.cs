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
}
