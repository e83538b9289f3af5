using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>Optional query filters read as text, so a bad value is a 422 naming it rather than a bare 400.</summary>
public static class QueryFilters
{
    public static bool TryParseGuid(string? raw, string field, out Guid? value, [NotNullWhen(false)] out ProblemHttpResult? problem)
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

        problem = ApiProblems.Validation(new Dictionary<string, string[]> { [field] = [$"{field} must be a UUID."] });
        return false;
    }
}
