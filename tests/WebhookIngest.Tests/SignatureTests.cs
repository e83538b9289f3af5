using System.Text;
using TrustedOss.WebhookIngest.Receiving;

namespace TrustedOss.WebhookIngest.Tests;

/// <summary>The three ways a delivery proves it knows the project's secret, against the providers' published vectors.</summary>
public sealed class SignatureTests
{
    // GitHub's docs, "Validating webhook deliveries": secret, payload and the signature it must give.
    private const string GitHubSecret = "It's a Secret to Everybody";
    private static readonly byte[] GitHubPayload = Encoding.UTF8.GetBytes("Hello, World!");
    private const string GitHubHeader = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    // The Standard Webhooks specification's test vector.
    private const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string StandardId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string StandardTimestamp = "1614265330";
    private static readonly byte[] StandardPayload = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private const string StandardSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly DateTimeOffset StandardSentAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void GitHubs_published_vector_verifies_and_is_what_we_would_send() =>
        Assert.Equal((true, GitHubHeader), (GitHubSignature.Verifies(GitHubSecret, GitHubPayload, GitHubHeader), GitHubSignature.Sign(GitHubSecret, GitHubPayload)));

    [Theory]
    [InlineData("another secret", "Hello, World!", GitHubHeader)]
    [InlineData(GitHubSecret, "Hello, World?", GitHubHeader)]
    [InlineData(GitHubSecret, "Hello, World!", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData(GitHubSecret, "Hello, World!", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData(GitHubSecret, "Hello, World!", "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData(GitHubSecret, "Hello, World!", null)]
    public void A_GitHub_signature_with_another_secret_body_or_shape_does_not_verify(string secret, string body, string? header) =>
        Assert.False(GitHubSignature.Verifies(secret, Encoding.UTF8.GetBytes(body), header));

    [Fact]
    public void The_Standard_Webhooks_vector_verifies_and_is_what_we_would_send()
    {
        Assert.True(StandardWebhookSignature.Verifies(StandardSecret, StandardPayload, StandardId, StandardTimestamp, StandardSignature, StandardSentAt));
        Assert.Equal(StandardSignature, StandardWebhookSignature.Sign(StandardSecret, StandardId, StandardSentAt, StandardPayload));
    }

    [Fact]
    public void Any_one_of_several_signatures_may_match_the_last_included() =>
        Assert.True(StandardWebhookSignature.Verifies(StandardSecret, StandardPayload, StandardId, StandardTimestamp,
            $"v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= {StandardSignature}", StandardSentAt));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void A_Standard_Webhooks_delivery_more_than_five_minutes_off_does_not_verify(int offsetSeconds) =>
        Assert.False(StandardWebhookSignature.Verifies(StandardSecret, StandardPayload, StandardId, StandardTimestamp, StandardSignature,
            StandardSentAt.AddSeconds(offsetSeconds)));

    [Theory]
    [InlineData(StandardSecret, "msg_other", StandardTimestamp, StandardSignature)]
    [InlineData(StandardSecret, StandardId, "1614265331", StandardSignature)]
    [InlineData(StandardSecret, StandardId, StandardTimestamp, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData(StandardSecret, StandardId, StandardTimestamp, "v1,")]
    [InlineData(StandardSecret, StandardId, "not-a-time", StandardSignature)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", StandardId, StandardTimestamp, StandardSignature)]
    [InlineData("whsec_not*base64", StandardId, StandardTimestamp, StandardSignature)]
    public void A_Standard_Webhooks_signature_over_other_parts_or_with_a_bad_secret_does_not_verify(
        string secret, string id, string timestamp, string signature) =>
        Assert.False(StandardWebhookSignature.Verifies(secret, StandardPayload, id, timestamp, signature, StandardSentAt.AddSeconds(1)));

    [Theory]
    [InlineData("s3cret-token", true)]
    [InlineData("s3cret-tokeN", false)]
    [InlineData("s3cret-token ", false)]
    [InlineData(null, false)]
    public void A_GitLab_token_verifies_only_when_it_is_the_secret(string? token, bool verifies) =>
        Assert.Equal(verifies, GitLabToken.Verifies("s3cret-token", token));

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void A_Standard_Webhooks_delivery_exactly_five_minutes_off_still_verifies(int offsetSeconds) =>
        Assert.True(StandardWebhookSignature.Verifies(StandardSecret, StandardPayload, StandardId, StandardTimestamp, StandardSignature,
            StandardSentAt.AddSeconds(offsetSeconds)));

    [Fact]
    public void The_same_signature_twice_still_verifies() =>
        Assert.True(StandardWebhookSignature.Verifies(StandardSecret, StandardPayload, StandardId, StandardTimestamp,
            $"{StandardSignature} {StandardSignature}", StandardSentAt));

    [Fact]
    public void A_Standard_Webhooks_delivery_without_an_id_does_not_verify() =>
        Assert.False(StandardWebhookSignature.Verifies(StandardSecret, StandardPayload, null, StandardTimestamp, StandardSignature, StandardSentAt));

    [Fact]
    public void Only_a_whsec_secret_signs_the_Standard_Webhooks_way()
    {
        // Six characters that are not "whsec_" before the vector's key: not a signing key, whatever follows.
        Assert.False(StandardWebhookSignature.Verifies("whsecXMfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", StandardPayload, StandardId, StandardTimestamp,
            StandardSignature, StandardSentAt));
    }

    [Fact]
    public void An_empty_signing_key_signs_nothing()
    {
        var signedWithNoKey = "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            Array.Empty<byte>(), Encoding.UTF8.GetBytes($"{StandardId}.{StandardTimestamp}.").Concat(StandardPayload).ToArray()));

        Assert.False(StandardWebhookSignature.Verifies("whsec_", StandardPayload, StandardId, StandardTimestamp, signedWithNoKey, StandardSentAt));
    }
}
