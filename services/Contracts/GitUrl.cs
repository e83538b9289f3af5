using System.Text.RegularExpressions;

namespace TrustedOss.Contracts;

/// <summary>
/// The repository addresses a project may have: https, ssh (URL or scp-like <c>git@host:path</c>)
/// and file: the transports the scanner allows. Keys checks it when a project is saved and the Scan
/// service again before it runs git, so a forged message cannot hand git an option or a transport.
/// Whether file:// may actually be scanned is the Scan service's setting. A URL may not carry a
/// password or token: every member of the team can read a project's URL, so credentials do not
/// belong in it.
/// </summary>
public static partial class GitUrl
{
    public static bool IsValid(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048 || url.Any(char.IsWhiteSpace) || url.StartsWith('-'))
        {
            return false;
        }

        // The scheme must be written out: on Linux a bare path parses as an absolute file URI.
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && url.StartsWith($"{uri.Scheme}://", StringComparison.OrdinalIgnoreCase))
        {
            return uri.Scheme switch
            {
                "https" => uri.Host.Length > 0 && uri.AbsolutePath.Length > 1 && uri.UserInfo.Length == 0,
                // ssh names a user (git@host), never a password.
                "ssh" => uri.Host.Length > 0 && uri.AbsolutePath.Length > 1 && !uri.UserInfo.Contains(':', StringComparison.Ordinal),
                "file" => uri.AbsolutePath.Length > 1,
                _ => false,
            };
        }

        return ScpLike().IsMatch(url);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();
}
