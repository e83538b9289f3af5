using System.Text;

namespace TrustedOss.Scans.Inventory.Npm;

/// <summary>
/// Yarn classic's <c>yarn.lock</c> (v1): not YAML but Yarn's own indented format, so read by hand
/// (no maintained .NET parser exists):
/// <code>
/// "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
///   version "7.12.13"
///   dependencies:
///     "@babel/highlight" "^7.12.13"
/// </code>
/// </summary>
internal static class YarnClassicLock
{
    public static List<YarnEntry> Entries(string file, string text, List<string> warnings)
    {
        var entries = new List<YarnEntry>();
        string[]? descriptors = null;
        string? version = null;
        var dependencies = new List<string>();
        var inDependencies = false;
        var start = 0;

        void Flush()
        {
            if (descriptors is { Length: > 0 } && version is not null && !YarnLock.IsProjectRange(YarnLock.RangeOf(descriptors[0])))
            {
                entries.Add(new YarnEntry(descriptors, YarnLock.PackageOf(descriptors[0]), version, [.. dependencies], start, IsProject: false));
            }
            else if (descriptors is { Length: > 0 } && version is null)
            {
                warnings.Add($"{file}:{start}: an entry without a version; skipped");
            }

            descriptors = null;
            version = null;
            dependencies = [];
        }

        var lines = text.Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1].TrimEnd('\r');
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var indent = line.Length - line.TrimStart(' ').Length;
            var body = line.Trim();
            if (indent == 0)
            {
                Flush();
                descriptors = [.. Tokens(body.TrimEnd(':')).Where(t => t != ",")];
                start = number;
            }
            else if (indent == 2)
            {
                inDependencies = body is "dependencies:" or "optionalDependencies:";
                if (Tokens(body) is ["version", var value])
                {
                    version = value;
                }
            }
            else if (inDependencies && Tokens(body) is [var name, var range])
            {
                dependencies.Add($"{name}@{range}");
            }
        }

        Flush();
        return entries;
    }

    /// <summary>A line's words: a quoted word may hold spaces, commas and escapes; a comma on its own separates descriptors.</summary>
    private static List<string> Tokens(string line)
    {
        var tokens = new List<string>();
        var at = 0;
        while (at < line.Length)
        {
            var c = line[at];
            if (c == ' ')
            {
                at++;
            }
            else if (c == ',')
            {
                tokens.Add(",");
                at++;
            }
            else if (c == '"')
            {
                var word = new StringBuilder();
                at++;
                while (at < line.Length && line[at] != '"')
                {
                    if (line[at] == '\\' && at + 1 < line.Length)
                    {
                        at++;
                    }

                    word.Append(line[at++]);
                }

                at++;
                tokens.Add(word.ToString());
            }
            else
            {
                var end = line.IndexOfAny([' ', ','], at);
                end = end < 0 ? line.Length : end;
                tokens.Add(line[at..end]);
                at = end;
            }
        }

        return tokens;
    }
}
