using System.Globalization;
using System.Text.Json;

namespace TrustedOss.Web.Components.Audit;

/// <summary>An audit row's change as field and value lines a person can read.</summary>
public static class AuditDiff
{
    /// <summary>What a secret or a hash is written as in the log.</summary>
    public const string Redacted = "***";

    public static IReadOnlyList<(string Field, string Value)> Lines(JsonElement diff) =>
        diff.ValueKind == JsonValueKind.Object
            ? [.. diff.EnumerateObject().Select(p => (Field(p.Name), Value(p.Value)))]
            : [("change", Value(diff))];

    /// <summary>"permission_breadth" → "permission breadth".</summary>
    private static string Field(string name) => name.Replace('_', ' ');

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() == Redacted => "(secret, not recorded)",
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "none",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => value.GetRawText(),
    };

    /// <summary>
    /// Who made a change no person made: a provider's delivery is stored by its webhook; anything
    /// else (the first super admin, created from configuration at start) by the system itself.
    /// </summary>
    public static string NoPerson(string table) => table == "webhook_deliveries" ? "A provider's webhook" : "The system, at start";

    /// <summary>What happened, in words: "create" of "api_keys" → "Created an API key".</summary>
    public static string What(string action, string table)
    {
        var thing = table switch
        {
            "api_keys" => "an API key",
            "projects" => "a project",
            "project_webhooks" => "a project's webhook",
            "webhook_deliveries" => "a webhook delivery",
            "teams" => "a team",
            "memberships" => "a membership",
            "users" => "a user",
            _ => table,
        };
        var verb = action switch
        {
            "create" => table == "webhook_deliveries" ? "Received" : "Created",
            "update" => "Changed",
            "delete" => "Removed",
            _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(action),
        };
        return $"{verb} {thing}";
    }
}
