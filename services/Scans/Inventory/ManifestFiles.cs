using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory;

/// <summary>
/// The manifest and lock files of one commit, read into memory, by repository path (<c>/</c>-separated,
/// as git stores it). Readers that need a file's neighbours (a <c>package.json</c> beside a
/// <c>yarn.lock</c>, the <c>Directory.Packages.props</c> above a project) find them here.
/// </summary>
public sealed class ManifestFiles(IReadOnlyDictionary<string, ReadOnlyMemory<byte>> contents)
{
    /// <summary>Every path, in a stable order.</summary>
    public IEnumerable<string> Paths => contents.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<string> Named(string fileName) =>
        Paths.Where(p => FileName(p).Equals(fileName, StringComparison.Ordinal));

    /// <summary>The file's bytes as UTF-8 without a byte-order mark (<see cref="TextBytes"/>), whatever the file was written in.</summary>
    public bool TryRead(string path, out ReadOnlyMemory<byte> content)
    {
        var found = contents.TryGetValue(path, out content);
        content = TextBytes.AsUtf8(content);
        return found;
    }

    public bool Contains(string path) => contents.ContainsKey(path);

    /// <summary>The folder of a path, "" for the repository's root.</summary>
    public static string FolderOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    public static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Join(string folder, string name) => folder.Length == 0 ? name : $"{folder}/{name}";

    /// <summary>
    /// A path relative to <paramref name="folder"/> (<c>../base.txt</c>, <c>sub\x.props</c>) as a
    /// repository path; null when it leaves the repository or is absolute, so a file can never make
    /// a reader look outside the commit.
    /// </summary>
    public static string? Resolve(string folder, string relative)
    {
        if (relative.Length == 0 || relative.StartsWith('/') || relative.StartsWith('\\') || relative.Contains(':', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<string>(folder.Length == 0 ? [] : folder.Split('/'));
        foreach (var part in relative.Replace('\\', '/').Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0)
                    {
                        return null;
                    }

                    parts.RemoveAt(parts.Count - 1);
                    break;
                default:
                    parts.Add(part);
                    break;
            }
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>The folder itself, then each folder above it up to the root.</summary>
    public static IEnumerable<string> FolderAndAncestors(string folder)
    {
        while (true)
        {
            yield return folder;
            if (folder.Length == 0)
            {
                yield break;
            }

            folder = FolderOf(folder);
        }
    }
}
