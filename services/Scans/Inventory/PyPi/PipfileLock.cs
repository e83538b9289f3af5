using System.Text.Json;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.PyPi;

/// <summary>
/// Components of a Pipenv <c>Pipfile.lock</c>: <c>default</c> holds the runtime packages,
/// <c>develop</c> the development ones, each pinned <c>==version</c>. A package in both is a runtime
/// one. The lock records neither which packages the Pipfile names nor the graph, so every
/// component is listed without either; an entry without a version (a VCS or path install) is
/// listed with none. Parsed with System.Text.Json: the format is Pipenv's documented JSON.
/// </summary>
public static class PipfileLock
{
    private static readonly string[] Sections = ["default", "develop"];

    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content) =>
        JsonFile.ReadObject(file, content, "a Pipfile.lock", root =>
        {
            var components = new Dictionary<string, InventoryComponent>(StringComparer.Ordinal);
            foreach (var section in Sections)
            {
                if (!root.TryGetProperty(section, out var packages) || packages.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var lines = JsonLines.MembersOf(content.Span, section);
                foreach (var package in packages.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
                {
                    var version = package.Value.TryGetProperty("version", out var pinned) && pinned.ValueKind == JsonValueKind.String
                        ? pinned.GetString()!.TrimStart('=')
                        : null;
                    var purl = PackageUrl.PyPi(package.Name, version);
                    // default comes first: a package already listed as runtime stays runtime.
                    components.TryAdd(purl.ToString(), new InventoryComponent(
                        purl.ToString(), purl, purl.Name, version, DeclaredRange: null, Direct: false,
                        Development: section == "develop",
                        new Evidence(file, lines.TryGetValue(package.Name, out var line) ? line : null),
                        []));
                }
            }

            return new InventoryResult([.. components.Values], []);
        });
}
