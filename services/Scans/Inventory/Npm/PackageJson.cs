using System.Text.Json;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.Npm;

/// <summary>What a <c>package.json</c> declares: each dependency's name and range, and whether it is a development one.</summary>
public sealed record PackageJson(IReadOnlyList<(string Name, string Range, bool Development)> Dependencies)
{
    private static readonly (string Section, bool Development)[] Sections =
        [("dependencies", false), ("optionalDependencies", false), ("devDependencies", true)];

    /// <summary>The declared dependencies; null when the file is not a readable package.json.</summary>
    public static PackageJson? Read(ReadOnlyMemory<byte> content)
    {
        PackageJson? read = null;
        JsonFile.ReadObject("package.json", content, "a package.json", root =>
        {
            read = new PackageJson([.. Sections
                .Where(s => root.TryGetProperty(s.Section, out var section) && section.ValueKind == JsonValueKind.Object)
                .SelectMany(s => root.GetProperty(s.Section).EnumerateObject()
                    .Where(d => d.Value.ValueKind == JsonValueKind.String)
                    .Select(d => (d.Name, d.Value.GetString()!, s.Development)))]);
            return new InventoryResult([], []);
        });
        return read;
    }
}
