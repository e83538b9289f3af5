namespace TrustedOss.Web.Session;

/// <summary>Where to go after signing in: only a path on this site, never another host (an open redirect).</summary>
internal static class LocalUrl
{
    public static string Or(string? url, string fallback) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl)
            ? url
            : fallback;
}
