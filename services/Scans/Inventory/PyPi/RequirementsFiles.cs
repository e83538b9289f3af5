using System.Text;

namespace TrustedOss.Scans.Inventory.PyPi;

/// <summary>
/// Components of pip requirements files (<c>requirements.txt</c>, <c>requirements-dev.txt</c>,
/// <c>requirements/base.txt</c>, …), read as pip does: continuation lines joined, comments and
/// per-requirement options (<c>--hash</c>) dropped, <c>-r</c> includes followed (within the
/// repository), constraint files (<c>-c</c>), editable installs and global options not
/// components. A <c>==</c> pin is a version; anything else is a declared range. Each file that no
/// other includes is read as a whole, with what it includes; a file whose name or folder says
/// dev, test, lint, docs or typing holds development requirements, and so does every file such
/// a file includes. pip-compile's
/// <c># via</c> comments give the graph, and tell a pinned transitive dependency from a direct one.
/// </summary>
public static class RequirementsFiles
{
    private const int MaxIncludeDepth = 16;

    private static readonly HashSet<string> DevelopmentWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "dev", "develop", "development", "test", "tests", "testing", "lint", "linting", "doc", "docs", "typing", "mypy", "ci", "bench", "benchmark", "benchmarks",
    };

    public static bool Wants(string path)
    {
        var name = ManifestFiles.FileName(path);
        return name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)
            && (name.Contains("requirements", StringComparison.OrdinalIgnoreCase)
                || path.Split('/')[..^1].Any(f => f.StartsWith("requirements", StringComparison.OrdinalIgnoreCase)));
    }

    public static InventoryResult Read(ManifestFiles files)
    {
        var requirementFiles = files.Paths.Where(Wants).ToList();
        var parsed = requirementFiles.ToDictionary(p => p, p => Parse(p, files), StringComparer.Ordinal);
        var included = parsed.Values.SelectMany(f => f.Includes).ToHashSet(StringComparer.Ordinal);
        var warnings = parsed.Values.SelectMany(f => f.Warnings).ToList();
        // Each file once, whatever includes it: development when it says so itself, or when every
        // root file that reaches it is a development one.
        var runtimeReached = new HashSet<string>(StringComparer.Ordinal);
        var reached = new Dictionary<string, ParsedFile>(StringComparer.Ordinal);
        foreach (var root in requirementFiles.Where(p => !included.Contains(p)))
        {
            foreach (var (path, file) in Closure(root, parsed, files, warnings))
            {
                reached[path] = file;
                if (!IsDevelopment(root))
                {
                    runtimeReached.Add(path);
                }
            }
        }

        var components = reached.SelectMany(f => f.Value.Components.Select(c => c with
        {
            Development = IsDevelopment(f.Key) || !runtimeReached.Contains(f.Key),
        })).ToList();
        return new InventoryResult(components, warnings);
    }

    /// <summary>A root file and every file it includes, each once, included files read even when they are not named like requirements.</summary>
    private static IEnumerable<(string Path, ParsedFile File)> Closure(string root, Dictionary<string, ParsedFile> parsed, ManifestFiles files, List<string> warnings)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Path, int Depth)>([(root, 0)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Path))
            {
                continue;
            }

            if (!parsed.TryGetValue(next.Path, out var file))
            {
                if (!files.Contains(next.Path))
                {
                    warnings.Add($"{next.Path}: included by a requirements file, but not in the commit (or over the size a scan reads)");
                    continue;
                }

                parsed[next.Path] = file = Parse(next.Path, files);
                warnings.AddRange(file.Warnings);
            }

            yield return (next.Path, file);
            foreach (var include in next.Depth < MaxIncludeDepth ? file.Includes : [])
            {
                pending.Push((include, next.Depth + 1));
            }
        }
    }

    private sealed record ParsedFile(IReadOnlyList<InventoryComponent> Components, IReadOnlyList<string> Includes, IReadOnlyList<string> Warnings);

    private static ParsedFile Parse(string path, ManifestFiles files)
    {
        files.TryRead(path, out var content);
        var folder = ManifestFiles.FolderOf(path);
        var includes = new List<string>();
        var warnings = new List<string>();
        var found = new List<(Requirement Requirement, int Line, List<string> Via)>();
        foreach (var (line, text, comments) in LogicalLines(Encoding.UTF8.GetString(content.Span)))
        {
            if (text.Length == 0)
            {
                // A pip-compile "# via" block belongs to the requirement above it.
                if (found.Count > 0)
                {
                    found[^1].Via.AddRange(comments);
                }

                continue;
            }

            if (Option(text, "-r", "--requirement") is { } include)
            {
                if (ManifestFiles.Resolve(folder, include) is { } resolved)
                {
                    includes.Add(resolved);
                }
                else
                {
                    warnings.Add($"{path}:{line}: the include {include} is outside the repository; not read");
                }
            }
            else if (text.StartsWith('-'))
            {
                // -c constraints, -e editable installs, --index-url and other options: no component.
            }
            else if (Pep508.Parse(StripOptions(text)) is { } requirement)
            {
                found.Add((requirement, line, [.. comments]));
            }
            else if (!text.Contains('/', StringComparison.Ordinal) && !text.Contains('\\', StringComparison.Ordinal))
            {
                warnings.Add($"{path}:{line}: not a requirement pip reads; skipped");
            }
        }

        var compiled = found.Any(f => f.Via.Count > 0);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (requirement, line, _) in found)
        {
            ids.TryAdd(Pep508.Normalize(requirement.Name), Component(path, requirement, line, direct: true).Id);
        }

        var components = found.Select(f =>
        {
            var via = Via(f.Via);
            var dependents = via.Where(ids.ContainsKey).ToList();
            return (Component: Component(path, f.Requirement, f.Line, direct: !compiled || via.Contains("-r") || via.Contains("-c") || dependents.Count == 0 && via.Count == 0), Dependents: dependents);
        }).ToList();

        // "# via parent" means parent depends on this one.
        var dependsOn = components.SelectMany(c => c.Dependents.Select(parent => (Parent: ids[parent], Child: c.Component.Id)))
            .ToLookup(e => e.Parent, e => e.Child, StringComparer.Ordinal);
        return new ParsedFile([.. components.Select(c => c.Component with { DependsOn = [.. dependsOn[c.Component.Id].Distinct(StringComparer.Ordinal)] })], includes, warnings);
    }

    private static InventoryComponent Component(string path, Requirement requirement, int line, bool direct) =>
        Pep508.Declared(requirement.Name, requirement.Specifier, direct, development: false, new Evidence(path, line));

    /// <summary>The names in a <c># via</c> block, normalised, with <c>-r</c>/<c>-c</c> for the input files pip-compile names.</summary>
    private static HashSet<string> Via(List<string> comments)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var inVia = false;
        foreach (var comment in comments)
        {
            var text = comment.Trim();
            if (text.StartsWith("via", StringComparison.Ordinal))
            {
                inVia = true;
                text = text[3..].Trim();
            }
            else if (!comment.StartsWith("  ", StringComparison.Ordinal))
            {
                // The block's names are indented under "# via"; any other comment ends it.
                inVia = false;
            }

            if (!inVia || text.Length == 0)
            {
                continue;
            }

            var word = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            names.Add(word is "-r" or "-c" ? word : Pep508.Normalize(word));
        }

        return names;
    }

    /// <summary>The file's logical lines (continuations joined), each with its first line's number, its text without comment, and the comments on it.</summary>
    private static IEnumerable<(int Line, string Text, List<string> Comments)> LogicalLines(string text)
    {
        var lines = text.Split('\n');
        for (var at = 0; at < lines.Length; at++)
        {
            var first = at + 1;
            var joined = new StringBuilder();
            var comments = new List<string>();
            var line = lines[at].TrimEnd('\r');
            while (true)
            {
                var (code, comment) = SplitComment(line);
                if (comment is not null)
                {
                    comments.Add(comment);
                }

                if (comment is null && code.EndsWith('\\') && at + 1 < lines.Length)
                {
                    joined.Append(code[..^1]).Append(' ');
                    line = lines[++at].TrimEnd('\r');
                    continue;
                }

                joined.Append(code);
                break;
            }

            yield return (first, joined.ToString().Trim(), comments);
        }
    }

    /// <summary>Code and comment of a line: a comment starts with <c>#</c> at the start or after whitespace.</summary>
    private static (string Code, string? Comment) SplitComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return (line[..i].TrimEnd(), line[(i + 1)..]);
            }
        }

        return (line, null);
    }

    /// <summary>The value of an option written <c>-r file</c>, <c>-rfile</c>, <c>--requirement file</c> or <c>--requirement=file</c>; null when the line is not that option.</summary>
    private static string? Option(string text, string shortForm, string longForm)
    {
        foreach (var form in new[] { longForm, shortForm })
        {
            if (text.StartsWith(form, StringComparison.Ordinal))
            {
                var value = text[form.Length..].TrimStart('=', ' ');
                return value.Length > 0 && (text.Length == form.Length || text[form.Length] is ' ' or '=' || form == shortForm) ? value : null;
            }
        }

        return null;
    }

    /// <summary>A requirement without its per-requirement options (<c>--hash=…</c>, <c>--config-settings …</c>).</summary>
    private static string StripOptions(string text)
    {
        var option = text.IndexOf(" --", StringComparison.Ordinal);
        return option < 0 ? text : text[..option];
    }

    private static bool IsDevelopment(string path) =>
        path.Split('/', '-', '_', '.').Any(DevelopmentWords.Contains);
}
