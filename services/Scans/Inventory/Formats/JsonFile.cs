using System.Text.Json;

namespace TrustedOss.Scans.Inventory.Formats;

/// <summary>Reading a JSON lock file: bounded nesting, and a warning instead of an exception for a file that is not one.</summary>
internal static class JsonFile
{
    /// <summary>Nesting deeper than this is refused as a warning: far beyond any real lock file, far below a stack's limit.</summary>
    public const int MaxDepth = 256;

    /// <summary>
    /// <paramref name="read"/> applied to the file's root object; a warning naming the file when it
    /// is not readable JSON, or not an object (<paramref name="what"/> says what it should be).
    /// </summary>
    public static InventoryResult ReadObject(string file, ReadOnlyMemory<byte> content, string what, Func<JsonElement, InventoryResult> read)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            return InventoryResult.Warning($"{file}: not readable JSON ({ex.Message})");
        }

        using (document)
        {
            try
            {
                return document.RootElement.ValueKind == JsonValueKind.Object
                    ? read(document.RootElement)
                    : InventoryResult.Warning($"{file}: not {what}");
            }
            catch (InvalidOperationException ex)
            {
                // Valid JSON that is not valid text: a name with a lone surrogate escape ("\udc00").
                return InventoryResult.Warning($"{file}: holds a string that is not valid text ({ex.Message})");
            }
        }
    }
}
