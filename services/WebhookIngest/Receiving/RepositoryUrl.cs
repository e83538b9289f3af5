namespace TrustedOss.WebhookIngest.Receiving;

/// <summary>
/// How a delivery's repository is matched to a project (CONTRACT §4 step 4): both addresses are
/// trimmed, lose trailing slashes and one trailing <c>.git</c>, and compare case-insensitively
/// (hosts are, and so are GitHub's and GitLab's paths).
/// </summary>
public static class RepositoryUrl
{
    /// <summary>
    /// Whether the payload's address could be a project's: none holds a control character or a
    /// space (a project's URL is checked when it is saved), so such an address is not looked up.
    /// </summary>
    public static bool CouldBeAProjects(string url) => !url.Trim().Any(c => char.IsControl(c) || char.IsWhiteSpace(c));

    public static string Key(string url)
    {
        var key = url.Trim().TrimEnd('/');
        if (key.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            key = key[..^4].TrimEnd('/');
        }

        return key.ToLowerInvariant();
    }
}
