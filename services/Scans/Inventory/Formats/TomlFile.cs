using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace TrustedOss.Scans.Inventory.Formats;

/// <summary>
/// A TOML file (<c>poetry.lock</c>, <c>uv.lock</c>, <c>pyproject.toml</c>, <c>Pipfile</c>) read with
/// Tomlyn into its table model, nesting bounded by <see cref="JsonFile.MaxDepth"/>, each key's line
/// kept for evidence. Anything unreadable is a warning naming the file, never an exception.
/// </summary>
internal sealed class TomlFile
{
    private readonly TomlMetadataStore metadata;

    private readonly string text;

    private TomlFile(TomlTable root, TomlMetadataStore metadata, string text)
    {
        Root = root;
        this.metadata = metadata;
        this.text = text;
    }

    public TomlTable Root { get; }

    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content, Func<TomlFile, InventoryResult> read)
    {
        var metadata = new TomlMetadataStore();
        var text = System.Text.Encoding.UTF8.GetString(content.Span);
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(
                text,
                new TomlSerializerOptions { MaxDepth = JsonFile.MaxDepth, MetadataStore = metadata, SourceName = file })!;
        }
        catch (TomlException ex)
        {
            return InventoryResult.Warning($"{file}: not readable TOML ({ex.Message})");
        }

        return read(new TomlFile(root, metadata, text));
    }

    /// <summary>The 1-based line where <paramref name="key"/> of <paramref name="table"/> is written, where Tomlyn kept it.</summary>
    public int? LineOf(TomlTable table, string key) =>
        metadata.TryGetProperties(table, out var properties) && properties!.TryGetProperty(key, out var property) && property?.Span is { } span
            ? span.Start.Line + 1
            : null;

    /// <summary>The 1-based line of the first string written as <paramref name="value"/> in quotes (an array element, whose position Tomlyn does not keep).</summary>
    public int? LineOfString(string value)
    {
        stringLines ??= StringLines(text);
        return stringLines.TryGetValue(value, out var line) ? line : null;
    }

    private Dictionary<string, int>? stringLines;

    /// <summary>The first line of each single-line quoted string in the text, in one pass.</summary>
    private static Dictionary<string, int> StringLines(string text)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var line = 1;
        for (var at = 0; at < text.Length; at++)
        {
            var c = text[at];
            if (c == '\n')
            {
                line++;
            }
            else if (c is '"' or '\'')
            {
                var end = text.IndexOfAny([c, '\n'], at + 1);
                if (end > at && text[end] == c)
                {
                    lines.TryAdd(text[(at + 1)..end], line);
                    at = end;
                }
            }
        }

        return lines;
    }
}

/// <summary>Typed access to Tomlyn's table model: absent or differently typed values read as null.</summary>
internal static class TomlTables
{
    public static TomlTable? Table(this TomlTable? table, string key) =>
        table is not null && table.TryGetValue(key, out var value) ? value as TomlTable : null;

    public static string? Text(this TomlTable? table, string key) =>
        table is not null && table.TryGetValue(key, out var value) ? value as string : null;

    /// <summary>An array of tables, written either as <c>[[x]]</c> headers or inline.</summary>
    public static IEnumerable<TomlTable> Tables(this TomlTable? table, string key) =>
        table is not null && table.TryGetValue(key, out var value)
            ? value switch
            {
                TomlTableArray array => array,
                TomlArray array => array.OfType<TomlTable>(),
                _ => [],
            }
            : [];

    public static IEnumerable<string> Strings(this TomlTable? table, string key) =>
        table is not null && table.TryGetValue(key, out var value) && value is TomlArray array ? array.OfType<string>() : [];
}
