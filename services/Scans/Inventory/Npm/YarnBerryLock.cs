using TrustedOss.Scans.Inventory.Formats;
using YamlDotNet.RepresentationModel;

namespace TrustedOss.Scans.Inventory.Npm;

/// <summary>
/// Yarn Berry's <c>yarn.lock</c> (v2 and later), which is YAML:
/// <code>
/// "lodash@npm:^4.17.20, lodash@npm:^4.17.21":
///   version: 4.17.21
///   resolution: "lodash@npm:4.17.21"
///   dependencies:
///     foo: "npm:^1.0.0"
///   linkType: hard
/// </code>
/// The package is the one <c>resolution</c> names (an alias's key names the alias); workspace,
/// link and portal entries are the project's own packages, whose dependencies are its direct ones.
/// </summary>
internal static class YarnBerryLock
{
    public static List<YarnEntry> Entries(string file, ReadOnlyMemory<byte> content, List<string> warnings)
    {
        var entries = new List<YarnEntry>();
        var read = YamlFile.ReadMapping(file, content, "a Yarn lock file", root =>
        {
            foreach (var (key, value, line) in root.Entries())
            {
                if (key == "__metadata" || value is not YamlMappingNode entry)
                {
                    continue;
                }

                var descriptors = key.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var version = entry.Text("version");
                if (descriptors.Length == 0 || version is null)
                {
                    continue;
                }

                var resolution = entry.Text("resolution") is { Length: > 0 } resolved ? resolved : descriptors[0];

                var dependencies = entry.Mapping("dependencies").Entries()
                    .Where(d => d.Value is YamlScalarNode { Value: not null })
                    .Select(d => $"{d.Key}@{((YamlScalarNode)d.Value).Value}");
                entries.Add(new YarnEntry(descriptors, YarnLock.NameOf(resolution), version, [.. dependencies], line,
                    IsProject: YarnLock.IsProjectRange(YarnLock.RangeOf(resolution))));
            }

            return new InventoryResult([], []);
        });
        warnings.AddRange(read.Warnings);
        return entries;
    }
}
