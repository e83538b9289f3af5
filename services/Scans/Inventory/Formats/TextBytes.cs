using System.Text;

namespace TrustedOss.Scans.Inventory.Formats;

/// <summary>
/// A manifest's bytes as the readers take them: UTF-8 without a byte-order mark. Editors on Windows
/// write a UTF-8 mark at the start, and PowerShell 5's <c>pip freeze &gt; requirements.txt</c> writes
/// UTF-16 with its mark; read as they are, the first line or the whole file would be lost.
/// </summary>
internal static class TextBytes
{
    private static ReadOnlySpan<byte> Utf8Mark => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LittleEndianMark => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BigEndianMark => [0xFE, 0xFF];

    public static ReadOnlyMemory<byte> AsUtf8(ReadOnlyMemory<byte> content)
    {
        var bytes = content.Span;
        if (bytes.StartsWith(Utf8Mark))
        {
            return content[Utf8Mark.Length..];
        }

        var utf16 = bytes.StartsWith(Utf16LittleEndianMark) ? Encoding.Unicode
            : bytes.StartsWith(Utf16BigEndianMark) ? Encoding.BigEndianUnicode
            : null;
        return utf16 is null ? content : Encoding.UTF8.GetBytes(utf16.GetString(bytes[2..]));
    }
}
