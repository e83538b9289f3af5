using System.Text.Json;

namespace TrustedOss.Scans.Inventory.Formats;

/// <summary>
/// The line each member of one top-level object starts on (<c>"packages"</c> in an npm lock file),
/// for evidence: JsonDocument keeps no positions, so one reader pass records them. With a
/// <c>depth</c> of 3, the members one level further in (<c>"dependencies"</c> → framework →
/// package in a NuGet lock file); a name met twice keeps its first line.
/// </summary>
internal static class JsonLines
{
    public static Dictionary<string, int> MembersOf(ReadOnlySpan<byte> json, string topLevelMember, int depth = 2)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = JsonFile.MaxDepth });
        var inside = false;
        var line = 1;
        var counted = 0L;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1)
            {
                inside = reader.ValueTextEquals(topLevelMember);
            }
            else if (inside && reader.CurrentDepth == depth)
            {
                var start = reader.TokenStartIndex;
                line += json[(int)counted..(int)start].Count((byte)'\n');
                counted = start;
                lines.TryAdd(reader.GetString()!, line);
            }
        }

        return lines;
    }
}
