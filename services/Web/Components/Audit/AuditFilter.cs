using System.Globalization;

namespace TrustedOss.Web.Components.Audit;

/// <summary>
/// The audit page's filters as its query carries them. Dates are whole UTC days, both ends
/// included, as people think of them; the API's <c>to</c> is exclusive, so it gets the next
/// midnight. A value that is not one of the choices is no filter.
/// </summary>
public sealed record AuditFilter(string? Table, string? Action, Guid? ActorUserId, DateOnly? From, DateOnly? To, int Page)
{
    public static readonly AuditFilter None = new(null, null, null, null, null, 1);

    /// <summary>The recorded tables (CONTRACT §5), with what a row of each is.</summary>
    public static readonly (string Table, string Label)[] Tables =
    [
        ("api_keys", "API keys"), ("projects", "Projects"), ("project_webhooks", "Webhook settings"), ("webhook_deliveries", "Webhook deliveries"),
        ("teams", "Teams"), ("memberships", "Memberships"), ("users", "Users"),
    ];

    public static readonly string[] Actions = ["create", "update", "delete"];

    public static AuditFilter Parse(string? table, string? action, string? actor, string? from, string? to, string? page) => new(
        Tables.Any(t => t.Table == table) ? table : null,
        Actions.Contains(action) ? action : null,
        Guid.TryParse(actor, out var actorId) ? actorId : null,
        Day(from),
        Day(to),
        int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 ? number : 1);

    public bool IsEmpty => Table is null && Action is null && ActorUserId is null && From is null && To is null;

    /// <summary>The API's query for these filters (CONTRACT §5), without the page.</summary>
    public string ApiQuery => string.Join('&', new[]
    {
        Table is null ? null : $"target_table={Table}",
        Action is null ? null : $"action={Action}",
        ActorUserId is { } actor ? $"actor_user_id={actor}" : null,
        From is { } from ? $"from={Midnight(from)}" : null,
        // The last day there is has no next midnight: up to it is up to the end.
        To is { } to && to < DateOnly.MaxValue ? $"to={Midnight(to.AddDays(1))}" : null,
    }.OfType<string>());

    private static DateOnly? Day(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static string Midnight(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z";
}
