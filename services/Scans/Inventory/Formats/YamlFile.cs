using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace TrustedOss.Scans.Inventory.Formats;

/// <summary>
/// Reading a YAML lock file (<c>pnpm-lock.yaml</c>, a Yarn Berry <c>yarn.lock</c>) with YamlDotNet.
/// One streaming pass first refuses what could cost unbounded time or stack: nesting deeper than
/// <see cref="JsonFile.MaxDepth"/> (YamlDotNet builds its tree recursively) and aliases (lock files
/// never use them; refusing them rules out "billion laughs" expansion). Anything unreadable is a
/// warning naming the file, never an exception.
/// </summary>
internal static class YamlFile
{
    public static InventoryResult ReadMapping(string file, ReadOnlyMemory<byte> content, string what, Func<YamlMappingNode, InventoryResult> read)
    {
        var text = System.Text.Encoding.UTF8.GetString(content.Span);
        try
        {
            if (Refusal(text) is { } refusal)
            {
                return InventoryResult.Warning($"{file}: {refusal}");
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents is [{ RootNode: YamlMappingNode root }, ..]
                ? read(root)
                : InventoryResult.Warning($"{file}: not {what}");
        }
        catch (YamlException ex)
        {
            return InventoryResult.Warning($"{file}: not readable YAML ({ex.Message})");
        }
    }

    private static string? Refusal(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case AnchorAlias:
                    return "YAML aliases are not read in a lock file";
                case NodeEvent { Anchor.IsEmpty: false }:
                    return "YAML anchors are not read in a lock file";
                case MappingStart or SequenceStart when ++depth > JsonFile.MaxDepth:
                    return $"nested deeper than {JsonFile.MaxDepth}";
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }

        return null;
    }

    /// <summary>A scalar child's text, or null when absent or not a scalar.</summary>
    public static string? Text(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlMappingNode? Mapping(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    /// <summary>The entries of a mapping whose keys are scalars, with their values.</summary>
    public static IEnumerable<(string Key, YamlNode Value, int Line)> Entries(this YamlMappingNode? node) =>
        node is null
            ? []
            : node.Children
                .Where(e => e.Key is YamlScalarNode { Value: not null })
                .Select(e => (((YamlScalarNode)e.Key).Value!, e.Value, (int)e.Key.Start.Line));
}
