namespace TrustedOss.Gateway.Authentication;

internal static class BearerToken
{
    /// <summary>The token of an <c>Authorization: Bearer …</c> header, the scheme in any case; else null.</summary>
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value)
        {
            return null;
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && value[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            ? value[(space + 1)..].Trim()
            : null;
    }
}
