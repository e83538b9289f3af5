using System.ComponentModel.DataAnnotations;
using TrustedOss.Web.Api;

namespace TrustedOss.Web.Components.ApiKeys;

/// <summary>The New API key dialog's fields; <see cref="ToRequest"/> turns them into the API's body.</summary>
public sealed class NewKeyForm
{
    [Required(ErrorMessage = "Name the key: say what it is for.")]
    [StringLength(100, ErrorMessage = "A name has at most 100 characters.")]
    public string Name { get; set; } = "";

    public string Scope { get; set; } = "project";

    public Guid? TeamId { get; set; }

    public Guid? ProjectId { get; set; }

    public string Access { get; set; } = "read_write";

    /// <summary>"never", a number of days, or "custom" (then <see cref="CustomDays"/>).</summary>
    public string Expiry { get; set; } = "never";

    [Range(1, 1825, ErrorMessage = "A key lasts 1 to 1825 days.")]
    public int? CustomDays { get; set; }

    /// <summary>The expiry presets offered, in days.</summary>
    public static readonly int[] Presets = [30, 90, 180, 365];

    /// <summary>The body for <c>POST /v1/api-keys</c>, or what is missing for the chosen scope.</summary>
    public (NewApiKey? Request, string? Missing) ToRequest()
    {
        int? days = Expiry switch
        {
            "never" => null,
            "custom" => CustomDays,
            _ => int.TryParse(Expiry, out var preset) && Presets.Contains(preset) ? preset : null,
        };
        return (Scope, Expiry) switch
        {
            ("team", _) when TeamId is null => (null, "Choose the team the key is for."),
            ("project", _) when ProjectId is null => (null, "Choose the project the key is for."),
            (not ("org" or "team" or "project"), _) => (null, "Choose a scope."),
            (_, "custom") when CustomDays is null => (null, "Say how many days the key should last."),
            _ => (new NewApiKey(Name.Trim(), Scope, Scope == "team" ? TeamId : null, Scope == "project" ? ProjectId : null,
                Access == "read_only" ? "read_only" : "read_write", days), null),
        };
    }
}
