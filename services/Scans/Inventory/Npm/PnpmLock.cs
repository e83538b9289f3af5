using TrustedOss.Scans.Inventory.Formats;
using YamlDotNet.RepresentationModel;

namespace TrustedOss.Scans.Inventory.Npm;

/// <summary>
/// Components of a pnpm <c>pnpm-lock.yaml</c>, lock file versions 5 to 9, read with YamlDotNet.
/// <list type="bullet">
/// <item>Packages are keyed <c>/name/1.0.0_peer@2</c> (v5), <c>/name@1.0.0(peer@2)</c> (v6) or
/// <c>name@1.0.0</c> (v9, whose graph is under <c>snapshots</c>); the peer suffix is not part of
/// the version.</item>
/// <item>The project's direct dependencies are under <c>importers</c> (each workspace project) or,
/// for a single project before v9, at the top level; <c>link:</c> versions are the project's own.</item>
/// <item>Development: the lock's <c>dev</c> flag where it has one (v5, v6); otherwise a package no
/// runtime dependency of any project reaches.</item>
/// </list>
/// </summary>
public static class PnpmLock
{
    private static readonly (string Section, bool Development)[] DependencySections =
        [("dependencies", false), ("optionalDependencies", false), ("devDependencies", true)];

    public static InventoryResult Read(string file, ReadOnlyMemory<byte> content) =>
        YamlFile.ReadMapping(file, content, "a pnpm lock file", root =>
        {
            var format = new Format(root.Text("lockfileVersion")?.StartsWith('5') == true);
            var packages = new Dictionary<string, Package>(StringComparer.Ordinal);
            foreach (var (key, value, line) in root.Mapping("packages").Entries())
            {
                if (format.Parse(key) is { } id && value is YamlMappingNode entry)
                {
                    var dev = entry.Text("dev") switch { "true" => true, "false" => (bool?)false, _ => null };
                    if (packages.TryGetValue(id.Key, out var existing))
                    {
                        existing.Dev = dev is null || existing.Dev is null ? dev ?? existing.Dev : dev.Value && existing.Dev.Value;
                        existing.Dependencies.UnionWith(format.DependenciesOf(entry));
                    }
                    else
                    {
                        packages[id.Key] = new Package(id.Name, id.Version, line, dev, [.. format.DependenciesOf(entry)]);
                    }
                }
            }

            // v9 keeps the graph apart from the packages, one snapshot per peer combination.
            foreach (var (key, value, _) in root.Mapping("snapshots").Entries())
            {
                if (format.Parse(key) is { } id && value is YamlMappingNode snapshot && packages.TryGetValue(id.Key, out var package))
                {
                    package.Dependencies.UnionWith(format.DependenciesOf(snapshot));
                }
            }

            var declared = Importers(root).SelectMany(importer => DependencySections.SelectMany(section =>
                importer.Mapping(section.Section).Entries()
                    .Select(d => (Key: format.Resolve(d.Key, VersionOf(d.Value)), section.Development))))
                .Where(d => d.Key is not null && packages.ContainsKey(d.Key))
                .ToList();
            var direct = declared.Select(d => d.Key!).ToHashSet(StringComparer.Ordinal);
            var runtime = DependencyGraph.Reachable(
                declared.Where(d => !d.Development).Select(d => d.Key!),
                key => packages.TryGetValue(key, out var package) ? package.Dependencies.Where(packages.ContainsKey) : []);

            var components = packages.Select(p =>
            {
                var purl = PackageUrl.Npm(p.Value.Name, p.Value.Version);
                return new InventoryComponent(purl.ToString(), purl, p.Value.Name, p.Value.Version, DeclaredRange: null,
                    Direct: direct.Contains(p.Key),
                    Development: p.Value.Dev ?? (declared.Count > 0 && !runtime.Contains(p.Key)),
                    new Evidence(file, p.Value.Line),
                    [.. p.Value.Dependencies.Where(d => d != p.Key && packages.ContainsKey(d))
                        .Select(d => PackageUrl.Npm(packages[d].Name, packages[d].Version).ToString())]);
            });
            return new InventoryResult([.. components], []);
        });

    /// <summary>A package of the lock: its name and version, the line it is listed on, its dev flag where the lock has one, and the keys it depends on.</summary>
    private sealed record Package(string Name, string Version, int Line, bool? Dev, HashSet<string> Dependencies)
    {
        public bool? Dev { get; set; } = Dev;
    }

    /// <summary>The projects: each importer (a workspace's projects) or, in a single-project lock before v9, the root itself.</summary>
    private static IEnumerable<YamlMappingNode> Importers(YamlMappingNode root) =>
        root.Mapping("importers") is { } importers
            ? importers.Entries().Select(i => i.Value).OfType<YamlMappingNode>()
            : [root];

    /// <summary>A dependency's version: a plain scalar (v5, snapshots) or the <c>version</c> of a <c>{specifier, version}</c> map (v6 and later importers).</summary>
    private static string? VersionOf(YamlNode value) => value switch
    {
        YamlScalarNode scalar => scalar.Value,
        YamlMappingNode map => map.Text("version"),
        _ => null,
    };

    /// <summary>How the lock writes package keys: <c>/name/1.0.0_peer</c> before v6, <c>name@1.0.0(peer)</c> since.</summary>
    private sealed record Format(bool Slashed)
    {
        private static readonly string[] GraphSections = ["dependencies", "optionalDependencies"];

        public IEnumerable<string> DependenciesOf(YamlMappingNode entry) =>
            GraphSections
                .SelectMany(section => entry.Mapping(section).Entries())
                .Select(d => Resolve(d.Key, VersionOf(d.Value)))
                .OfType<string>();

        /// <summary>
        /// The package key a dependency points at, peer suffix dropped; an alias's version names the
        /// package (<c>string-width@4.2.3</c>, or <c>/string-width/4.2.3</c> before v6); null for the
        /// project's own (<c>link:</c>).
        /// </summary>
        public string? Resolve(string name, string? version) =>
            string.IsNullOrEmpty(version) || version.StartsWith("link:", StringComparison.Ordinal) ? null
            : version.StartsWith('/') ? Parse(version)?.Key
            : Slashed ? Parse($"/{name}/{version}")?.Key
            : version.Length > 1 && version.IndexOf('@', 1) > 0 && !char.IsAsciiDigit(version[0]) ? Parse(version)?.Key
            : Parse($"{name}@{version}")?.Key;

        /// <summary>A package key's name and version; null for what is not a registry package (a tarball URL, a git commit).</summary>
        public (string Key, string Name, string Version)? Parse(string key)
        {
            var plain = key.TrimStart('/');
            string name, version;
            if (Slashed)
            {
                // "@babel/core/7.0.0_peer+x@1": the version is the last segment, peers after an underscore.
                var slash = plain.LastIndexOf('/');
                (name, version) = slash <= 0 ? ("", "") : (plain[..slash], plain[(slash + 1)..].Split('_')[0]);
            }
            else
            {
                var peers = plain.IndexOf('(', StringComparison.Ordinal);
                plain = peers > 0 ? plain[..peers] : plain;
                var at = plain.Length > 1 ? plain.IndexOf('@', 1) : -1;
                (name, version) = at <= 0 ? ("", "") : (plain[..at], plain[(at + 1)..]);
            }

            return name.Length == 0 || version.Length == 0 || version.Contains(':', StringComparison.Ordinal) || !char.IsAsciiDigit(version[0])
                ? null
                : ($"{name}@{version}", name, version);
        }
    }
}
