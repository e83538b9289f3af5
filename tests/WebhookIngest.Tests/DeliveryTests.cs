using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TrustedOss.WebhookIngest.Receiving;
using TrustedOss.WebhookIngest.Settings;

namespace TrustedOss.WebhookIngest.Tests;

public sealed class DeliveryTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"object_kind\":\"push\"}");

    [Fact]
    public void GitLab_deliveries_are_told_apart_by_Idempotency_Key_which_retries_keep()
    {
        var first = new HeaderDictionary { ["Idempotency-Key"] = "key-1", ["X-Gitlab-Event-UUID"] = "uuid-1" };
        var retry = new HeaderDictionary { ["Idempotency-Key"] = "key-1", ["X-Gitlab-Event-UUID"] = "uuid-2" };

        Assert.Equal("key-1", WebhookProvider.DeliveryId(WebhookProvider.GitLab, first, Body));
        Assert.Equal(WebhookProvider.DeliveryId(WebhookProvider.GitLab, first, Body), WebhookProvider.DeliveryId(WebhookProvider.GitLab, retry, Body));
    }

    [Fact]
    public void A_signed_GitLab_delivery_is_its_signed_webhook_id_whatever_unsigned_ids_it_carries()
    {
        var signed = new HeaderDictionary { ["webhook-id"] = "msg_1", ["webhook-signature"] = "v1,c2ln", ["Idempotency-Key"] = "key-1", ["X-Gitlab-Event-UUID"] = "uuid-1" };
        var replayed = new HeaderDictionary { ["webhook-id"] = "msg_1", ["webhook-signature"] = "v1,c2ln", ["Idempotency-Key"] = "key-2", ["X-Gitlab-Event-UUID"] = "uuid-2" };

        Assert.Equal("msg_1", WebhookProvider.DeliveryId(WebhookProvider.GitLab, signed, Body));
        Assert.Equal("msg_1", WebhookProvider.DeliveryId(WebhookProvider.GitLab, replayed, Body));
    }

    [Fact]
    public void Without_an_Idempotency_Key_GitLab_deliveries_fall_back_to_the_event_uuid_then_the_body()
    {
        Assert.Equal("uuid-1", WebhookProvider.DeliveryId(WebhookProvider.GitLab, new HeaderDictionary { ["X-Gitlab-Event-UUID"] = "uuid-1" }, Body));
        var digest = WebhookProvider.DeliveryId(WebhookProvider.GitLab, new HeaderDictionary(), Body);
        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
        Assert.Equal(digest, WebhookProvider.DeliveryId(WebhookProvider.GitLab, new HeaderDictionary(), [.. Body]));
        Assert.NotEqual(digest, WebhookProvider.DeliveryId(WebhookProvider.GitLab, new HeaderDictionary(), Encoding.UTF8.GetBytes("{}")));
    }

    [Fact]
    public void GitHub_deliveries_are_told_apart_by_their_delivery_header() =>
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958",
            WebhookProvider.DeliveryId(WebhookProvider.GitHub, new HeaderDictionary { ["X-GitHub-Delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958" }, Body));

    [Theory]
    [InlineData("https://github.com/Org/Repo.git", "https://github.com/org/repo")]
    [InlineData(" https://github.com/org/repo/ ", "https://github.com/org/repo")]
    [InlineData("https://github.com/org/repo.git/", "https://github.com/org/repo")]
    [InlineData("git@github.com:org/repo.git", "git@github.com:org/repo")]
    [InlineData("https://github.com/org/repo.git.git", "https://github.com/org/repo.git")]
    public void Repository_addresses_match_after_trimming_slashes_and_one_dot_git(string url, string key) =>
        Assert.Equal(key, RepositoryUrl.Key(url));

    [Theory]
    [InlineData("https://github.com/org/repo\nhttps://github.com/org/repo")]
    [InlineData("https://github.com/org/re po")]
    [InlineData("https://github.com/org\trepo")]
    [InlineData("https://github.com/org/\u0000repo")]
    public void A_payload_address_with_a_control_character_or_space_inside_is_not_looked_up(string url) =>
        Assert.False(RepositoryUrl.CouldBeAProjects(url));

    [Fact]
    public void A_payload_address_with_spaces_only_around_it_is_looked_up() =>
        Assert.True(RepositoryUrl.CouldBeAProjects(" https://github.com/org/repo.git "));

    [Fact]
    public void No_set_of_addresses_names_the_cached_webhooks_of_another()
    {
        string[] real = ["https://github.com/org/repo", "git@github.com:org/repo", "git://github.com/org/repo"];
        string[] joined = [string.Join('\n', real)];

        Assert.NotEqual(WebhookLookup.CacheKey("github", real), WebhookLookup.CacheKey("github", joined));
        Assert.NotEqual(WebhookLookup.CacheKey("github", ["a", "b"]), WebhookLookup.CacheKey("github", ["a1:b"]));
        Assert.NotEqual(WebhookLookup.CacheKey("github", ["x"]), WebhookLookup.CacheKey("gitlab", ["x"]));
        Assert.Equal(WebhookLookup.CacheKey("github", real), WebhookLookup.CacheKey("github", [.. real]));
    }

    [Fact]
    public void A_secret_decrypts_only_for_its_own_project_and_with_the_same_key()
    {
        var project = Guid.NewGuid();
        var cipher = Cipher("one-key-of-at-least-thirty-two-characters");
        var stored = cipher.Encrypt(project, "whsec_secret");

        Assert.Equal("whsec_secret", cipher.Decrypt(project, stored));
        Assert.NotEqual(stored, cipher.Encrypt(project, "whsec_secret"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => cipher.Decrypt(Guid.NewGuid(), stored));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(
            () => Cipher("another-key-of-at-least-thirty-two-characters").Decrypt(project, stored));
    }

    [Fact]
    public void A_new_secret_is_a_standard_webhooks_key_of_32_random_bytes()
    {
        var secret = WebhookSecret.New();

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.NotEqual(secret, WebhookSecret.New());
    }

    private static WebhookSecretCipher Cipher(string key) => new(Options.Create(new WebhookOptions { SecretKey = key }));

    [Fact]
    public void A_delivery_id_of_up_to_200_characters_is_the_providers_own()
    {
        var longest = new string('a', 200);

        Assert.Equal(longest, WebhookProvider.DeliveryId(WebhookProvider.GitHub, new HeaderDictionary { ["X-GitHub-Delivery"] = longest }, Body));
        Assert.StartsWith("sha256:", WebhookProvider.DeliveryId(WebhookProvider.GitHub, new HeaderDictionary { ["X-GitHub-Delivery"] = longest + "a" }, Body),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Each_provider_names_its_event_in_its_own_header()
    {
        var headers = new HeaderDictionary { ["X-GitHub-Event"] = "push", ["X-Gitlab-Event"] = "Push Hook" };

        Assert.Equal(("push", "Push Hook"), (WebhookProvider.EventName(WebhookProvider.GitHub, headers), WebhookProvider.EventName(WebhookProvider.GitLab, headers)));
    }

    [Fact]
    public void A_delivery_is_verified_the_way_its_provider_signs()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var github = new HeaderDictionary { ["X-Hub-Signature-256"] = GitHubSignature.Sign(secret, Body) };
        var gitlabToken = new HeaderDictionary { ["X-Gitlab-Token"] = secret };
        var gitlabSigned = new HeaderDictionary
        {
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = "1700000000",
            ["webhook-signature"] = StandardWebhookSignature.Sign(secret, "msg_1", now, Body),
            // A signed delivery is verified by its signature alone: a token beside it does not help.
            ["X-Gitlab-Token"] = "not-the-secret",
        };

        Assert.True(WebhookProvider.Verifies(WebhookProvider.GitHub, secret, github, Body, now));
        Assert.False(WebhookProvider.Verifies(WebhookProvider.GitLab, secret, github, Body, now));
        Assert.True(WebhookProvider.Verifies(WebhookProvider.GitLab, secret, gitlabToken, Body, now));
        Assert.False(WebhookProvider.Verifies(WebhookProvider.GitHub, secret, gitlabToken, Body, now));
        Assert.True(WebhookProvider.Verifies(WebhookProvider.GitLab, secret, gitlabSigned, Body, now));
        Assert.False(WebhookProvider.Verifies(WebhookProvider.GitLab, secret, gitlabSigned, Body, now.AddMinutes(6)));
    }

    [Fact]
    public void A_stored_secret_of_another_format_is_refused_not_guessed() =>
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(
            () => Cipher("one-key-of-at-least-thirty-two-characters").Decrypt(Guid.NewGuid(), "v2.AAAA"));
}
