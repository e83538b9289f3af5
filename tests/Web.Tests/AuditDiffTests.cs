using System.Text.Json;
using TrustedOss.Web.Components.Audit;

namespace TrustedOss.Web.Tests;

public sealed class AuditDiffTests
{
    [Fact]
    public void A_diff_reads_as_fields_and_values_with_secrets_named_as_such()
    {
        var diff = JsonDocument.Parse("""
            {"permission_breadth":"read_only","raw_key":"***","expires_at":null,"is_active":false,"limit":5,"teams":["a"]}
            """).RootElement;

        Assert.Equal(
            [("permission breadth", "read_only"), ("raw key", "(secret, not recorded)"), ("expires at", "none"), ("is active", "no"), ("limit", "5"), ("teams", "[\"a\"]")],
            AuditDiff.Lines(diff));
    }

    [Theory]
    [InlineData("create", "api_keys", "Created an API key")]
    [InlineData("update", "api_keys", "Changed an API key")]
    [InlineData("delete", "memberships", "Removed a membership")]
    [InlineData("create", "webhook_deliveries", "Received a webhook delivery")]
    [InlineData("update", "project_webhooks", "Changed a project's webhook")]
    public void What_happened_is_said_in_words(string action, string table, string expected) =>
        Assert.Equal(expected, AuditDiff.What(action, table));

    [Theory]
    [InlineData("webhook_deliveries", "A provider's webhook")]
    [InlineData("users", "The system, at start")]
    public void A_change_no_person_made_names_what_made_it(string table, string expected) =>
        Assert.Equal(expected, AuditDiff.NoPerson(table));
}
