using System.Diagnostics.CodeAnalysis;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>Optional query filters read as text, so a bad value is a 422 naming it rather than a bare 400.</summary>
public static class QueryFilters
{
    public static bool TryParseGuid(string? raw, string field, out Guid? value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        value = null;
        problem = null;
        if (raw is null)
        {
            return true;
        }

        if (Guid.TryParse(raw, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = ApiProblems.Validation(field, $"{field} must be a UUID.");
        return false;
    }

    /// <summary>An optional value from a fixed set; anything else is a 422 listing the allowed values.</summary>
    public static bool TryParseOneOf(string? raw, string field, IReadOnlyCollection<string> allowed, [NotNullWhen(false)] out ApiProblem? problem)
    {
        problem = raw is null || allowed.Contains(raw)
            ? null
            : ApiProblems.Validation(field, $"{field} must be one of: {string.Join(", ", allowed)}.");
        return problem is null;
    }
}
