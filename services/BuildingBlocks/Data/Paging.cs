using System.Globalization;
using TrustedOss.ServiceDefaults.Http;

namespace TrustedOss.Data;

/// <summary>CONTRACT §0 lists: <c>?page=1&amp;page_size=50</c>, page_size 1..200.</summary>
public sealed record PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Deep enough for any real list, small enough that the offset never overflows.</summary>
    public const int MaxPage = 1_000_000;

    public long Offset => (Page - 1L) * PageSize;

    /// <summary>Reads the raw query values; a bad one is a 422 naming the field.</summary>
    public static PageRequest? Parse(string? page, string? pageSize, out ApiProblem? problem)
    {
        var errors = new Dictionary<string, string[]>();
        var pageNumber = ParseOr(page, 1, 1, MaxPage, "page", $"page must be a whole number from 1 to {MaxPage}.", errors);
        var size = ParseOr(pageSize, DefaultPageSize, 1, MaxPageSize, "page_size", $"page_size must be a whole number from 1 to {MaxPageSize}.", errors);
        problem = errors.Count > 0 ? ApiProblems.Validation(errors) : null;
        return problem is null ? new PageRequest(pageNumber, size) : null;
    }

    private static int ParseOr(string? raw, int fallback, int min, int max, string field, string message, Dictionary<string, string[]> errors)
    {
        if (raw is null)
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[field] = [message];
        return fallback;
    }
}

/// <summary>One page of a list, newest first; <see cref="HasMore"/> says whether a next page holds anything.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize)
{
    public bool HasMore => (long)Page * PageSize < Total;
}
