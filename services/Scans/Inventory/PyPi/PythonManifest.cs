using Tomlyn.Model;
using TrustedOss.Scans.Inventory.Formats;

namespace TrustedOss.Scans.Inventory.PyPi;

/// <summary>One dependency a Python manifest declares: its name, specifier as written, whether development, and the line.</summary>
public sealed record DeclaredDependency(string Name, string Specifier, bool Development, int? Line)
{
    public string NormalizedName => Pep508.Normalize(Name);
}

/// <summary>
/// The dependencies a <c>pyproject.toml</c> or <c>Pipfile</c> declares, read with Tomlyn.
/// <list type="bullet">
/// <item><c>pyproject.toml</c>: PEP 621 <c>[project] dependencies</c> and
/// <c>[project.optional-dependencies]</c> (extras: runtime), PEP 735 <c>[dependency-groups]</c>
/// (development), Poetry's <c>[tool.poetry.dependencies]</c> (runtime, <c>python</c> excluded) and
/// its <c>dev-dependencies</c> and <c>group.*.dependencies</c> (development).</item>
/// <item><c>Pipfile</c>: <c>[packages]</c> (runtime) and <c>[dev-packages]</c> (development).</item>
/// </list>
/// </summary>
public static class PythonManifest
{
    public static (IReadOnlyList<DeclaredDependency> Dependencies, IReadOnlyList<string> Warnings) Read(string file, ReadOnlyMemory<byte> content)
    {
        var declared = new List<DeclaredDependency>();
        var read = TomlFile.Read(file, content, toml =>
        {
            var root = toml.Root;
            if (ManifestFiles.FileName(file) == "Pipfile")
            {
                declared.AddRange(Constraints(toml, root.Table("packages"), development: false));
                declared.AddRange(Constraints(toml, root.Table("dev-packages"), development: true));
                return new InventoryResult([], []);
            }

            var project = root.Table("project");
            declared.AddRange(Pep508List(toml, project, "dependencies", development: false));
            foreach (var (extra, _) in project.Table("optional-dependencies") ?? [])
            {
                declared.AddRange(Pep508List(toml, project.Table("optional-dependencies"), extra, development: false));
            }

            foreach (var (group, _) in root.Table("dependency-groups") ?? [])
            {
                declared.AddRange(Pep508List(toml, root.Table("dependency-groups"), group, development: true));
            }

            var poetry = root.Table("tool").Table("poetry");
            declared.AddRange(Constraints(toml, poetry.Table("dependencies"), development: false).Where(d => d.Name != "python"));
            declared.AddRange(Constraints(toml, poetry.Table("dev-dependencies"), development: true));
            foreach (var (group, _) in poetry.Table("group") ?? [])
            {
                declared.AddRange(Constraints(toml, poetry.Table("group").Table(group).Table("dependencies"), development: true));
            }

            return new InventoryResult([], []);
        });
        return (declared, read.Warnings);
    }

    /// <summary>Components for a manifest read on its own (no lock beside it): every declared dependency, direct, its version where the specifier pins one.</summary>
    public static InventoryResult Components(string file, ReadOnlyMemory<byte> content)
    {
        var (dependencies, warnings) = Read(file, content);
        return new InventoryResult(
            [.. dependencies.Select(d => Pep508.Declared(d.Name, d.Specifier, direct: true, d.Development, new Evidence(file, d.Line)))], warnings);
    }

    /// <summary>An array of PEP 508 strings (<c>dependencies = ["httpx>=0.27"]</c>); tables in it (<c>{include-group = …}</c>) are not dependencies.</summary>
    private static IEnumerable<DeclaredDependency> Pep508List(TomlFile toml, TomlTable? table, string key, bool development) =>
        table.Strings(key).Select(text => (Text: text, Requirement: Pep508.Parse(text))).Where(r => r.Requirement is not null)
            .Select(r => new DeclaredDependency(r.Requirement!.Name, r.Requirement.Specifier, development, toml.LineOfString(r.Text)));

    /// <summary>
    /// A table of name → constraint, Poetry's and Pipenv's form: <c>"^2.31"</c>, <c>"*"</c>, or
    /// <c>{version = "…", extras = […]}</c>; a bare version (<c>"1.2.3"</c>, <c>"26.1.*"</c>) means <c>==</c> in both.
    /// </summary>
    private static IEnumerable<DeclaredDependency> Constraints(TomlFile toml, TomlTable? table, bool development) =>
        (table ?? []).Select(entry =>
        {
            var constraint = entry.Value switch
            {
                string text => text,
                TomlTable options => options.Text("version") ?? "",
                _ => "",
            };
            constraint = constraint.Replace(" ", "", StringComparison.Ordinal);
            var specifier = constraint is "*" ? ""
                : constraint.Length > 0 && char.IsAsciiDigit(constraint[0]) ? "==" + constraint
                : constraint;
            return new DeclaredDependency(entry.Key, specifier, development, toml.LineOf(table!, entry.Key));
        });
}
