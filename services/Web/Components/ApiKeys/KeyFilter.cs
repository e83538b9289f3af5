using System.Globalization;

namespace TrustedOss.Web.Components.ApiKeys;

/// <summary>
/// The key list's filters as the page's query carries them (<c>?scope=team&amp;team_id=…&amp;page=2</c>),
/// read leniently: a value that is not one of the choices is no filter, so a hand-edited address
/// shows a list instead of an error.
/// </summary>
public sealed record KeyFilter(string? Scope, Guid? TeamId, Guid? ProjectId, bool IncludeRevoked, int Page)
{
    public static readonly KeyFilter None = new(null, null, null, false, 1);

    /// <summary>The scopes a key may have, as the API names them.</summary>
    public static readonly string[] Scopes = ["org", "team", "project"];

    public static KeyFilter Parse(string? scope, string? teamId, string? projectId, string? includeRevoked, string? page) => new(
        Scopes.Contains(scope) ? scope : null,
        Guid.TryParse(teamId, out var team) ? team : null,
        Guid.TryParse(projectId, out var project) ? project : null,
        includeRevoked == "true",
        int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 ? number : 1);

    /// <summary>No filter chosen (the page number aside).</summary>
    public bool IsEmpty => Scope is null && TeamId is null && ProjectId is null && !IncludeRevoked;

    /// <summary>The same filters in <c>GET /v1/api-keys</c>'s query (CONTRACT §2), without the page.</summary>
    public string ApiQuery => string.Join('&', new[]
    {
        Scope is null ? null : $"scope={Scope}",
        TeamId is { } team ? $"team_id={team}" : null,
        ProjectId is { } project ? $"project_id={project}" : null,
        IncludeRevoked ? "include_revoked=true" : null,
    }.OfType<string>());
}
