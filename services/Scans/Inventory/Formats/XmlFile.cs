using System.Xml;
using System.Xml.Linq;

namespace TrustedOss.Scans.Inventory.Formats;

/// <summary>
/// An MSBuild or <c>packages.config</c> file read with System.Xml: no DTD (so no entity expansion,
/// "billion laughs" included), no resolution of external resources, line numbers kept. Anything
/// unreadable is a warning naming the file, never an exception.
/// </summary>
internal static class XmlFile
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
    };

    public static XDocument? Load(string file, ReadOnlyMemory<byte> content, List<string> warnings)
    {
        try
        {
            // Read as text: the bytes are UTF-8 by now (ManifestFiles), whatever encoding the
            // declaration names (a project once saved as UTF-16 says so in its first line).
            using var text = new StringReader(System.Text.Encoding.UTF8.GetString(content.Span).TrimStart('\uFEFF'));
            using var reader = XmlReader.Create(text, Settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            warnings.Add($"{file}: not readable XML ({ex.Message})");
            return null;
        }
    }

    /// <summary>The elements of a local name, whatever their namespace (old project files use MSBuild's).</summary>
    public static IEnumerable<XElement> ElementsNamed(this XContainer container, string localName) =>
        container.Descendants().Where(e => e.Name.LocalName == localName);

    /// <summary>An attribute's value or, MSBuild's other spelling, a child element's text.</summary>
    public static string? AttributeOrChild(this XElement element, string name) =>
        element.Attribute(name)?.Value ?? element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();

    public static int? Line(this XElement element) =>
        element is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;
}
