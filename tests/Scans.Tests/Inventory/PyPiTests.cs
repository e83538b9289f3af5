using System.Text;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.PyPi;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>
/// Requirements files, uv and Poetry lock files, pyproject.toml and Pipfile from well-known
/// repositories, against pip's own parser and the lock files' own entries
/// (tests/Fixtures/inventory/SOURCES.md says how).
/// </summary>
public sealed class PyPiTests
{
    [Theory]
    [InlineData("warehouse-requirements")]
    [InlineData("aiohttp-requirements")]
    [InlineData("flask-requirements")]
    [InlineData("httpx-pyproject")]
    public void Each_requirement_is_listed_as_pip_reads_it_with_its_file_and_line(string fixture)
    {
        var inventory = FixtureRepository.Read("pypi", fixture);

        // pip's rows: name, specifier, markers, extras, file, line; rows without a name (URLs, -e) are no components.
        var expected = Fixtures.Lines("pypi", fixture, "expected.txt")
            .Select(row => row.Split('\t'))
            .Where(f => f[0].Length > 0 && f[4].EndsWith(".txt", StringComparison.Ordinal))
            .Select(f => $"{f[4]}:{f[5]} {f[0]} {Clauses(f[1])}");
        var actual = inventory.Components.Where(c => c.Evidence.File.EndsWith(".txt", StringComparison.Ordinal))
            .Select(c => $"{c.Evidence.File}:{c.Evidence.Line} {Pep508.Normalize(c.Name)} {Clauses(c.Version is { } v ? "==" + v : c.DeclaredRange ?? "")}");

        Agreement.Of(expected, actual).AssertExact();
    }

    [Fact]
    public void Pip_compile_via_comments_tell_direct_from_transitive_and_give_the_graph()
    {
        var components = FixtureRepository.Read("pypi", "warehouse-requirements").Components
            .Where(c => c.Evidence.File == "requirements/main.txt").ToList();

        // "alembic==1.18.5 ... # via -r requirements/main.in, alembic-postgresql-enum"; "amqp==5.3.1 # via kombu".
        Assert.True(components.Single(c => c.Name == "alembic").Direct);
        Assert.False(components.Single(c => c.Name == "amqp").Direct);
        Assert.Contains(components.Single(c => c.Name == "amqp").Id, components.Single(c => c.Name == "kombu").DependsOn);
        Assert.Contains(components.Single(c => c.Name == "alembic").Id, components.Single(c => c.Name == "alembic-postgresql-enum").DependsOn);
    }

    [Fact]
    public void A_requirements_file_named_for_tests_or_linting_holds_development_requirements()
    {
        var components = FixtureRepository.Read("pypi", "warehouse-requirements").Components;

        Assert.All(components.Where(c => c.Evidence.File is "requirements/tests.txt" or "requirements/lint.txt"), c => Assert.True(c.Development));
        Assert.All(components.Where(c => c.Evidence.File == "requirements/main.txt"), c => Assert.False(c.Development));
    }

    [Theory]
    [InlineData("flask-uv", "uv.lock")]
    [InlineData("full-stack-fastapi-template-uv", "uv.lock")]
    [InlineData("poetry-poetry", "poetry.lock")]
    public void A_lock_files_packages_and_runtime_ones_are_the_locks_own(string fixture, string lockFile)
    {
        var components = FixtureRepository.Read("pypi", fixture).Components.Where(c => c.Evidence.File == lockFile).ToList();

        Agreement.Of(Fixtures.Lines("pypi", fixture, "lock-all.txt").Select(Pep508.Normalize), components.Select(c => Pep508.Normalize($"{c.Name}@{c.Version}"))).AssertExact();
        Agreement.Of(Fixtures.Lines("pypi", fixture, "lock-runtime.txt").Select(Pep508.Normalize),
            components.Where(c => !c.Development).Select(c => Pep508.Normalize($"{c.Name}@{c.Version}"))).AssertExact();
        Assert.All(components.SelectMany(c => c.DependsOn), target => Assert.Contains(components, c => c.Id == target));
    }

    [Theory]
    [InlineData("flask-uv", "uv.lock", "expected-declared.txt")]
    [InlineData("poetry-poetry", "poetry.lock", "expected-declared.txt")]
    [InlineData("pipenv", "Pipfile.lock", "expected-declared.txt")]
    public void The_manifests_dependencies_are_the_direct_ones_of_its_lock(string fixture, string lockFile, string declared)
    {
        var components = FixtureRepository.Read("pypi", fixture).Components.Where(c => c.Evidence.File == lockFile).ToList();
        var direct = components.Where(c => c.Direct).Select(c => Pep508.Normalize(c.Name)).ToHashSet(StringComparer.Ordinal);
        var locked = components.Select(c => Pep508.Normalize(c.Name)).ToHashSet(StringComparer.Ordinal);

        // A declared dependency the lock does not hold (a marker for another platform) cannot be marked.
        var expected = Fixtures.Lines("pypi", fixture, declared).Select(l => Pep508.Normalize(l.Split('\t')[0])).Where(locked.Contains).ToHashSet(StringComparer.Ordinal);
        Agreement.Of(expected, direct).AssertAtLeast99Percent();
    }

    [Theory]
    [InlineData("httpx-pyproject", "pyproject.toml")]
    [InlineData("full-stack-fastapi-template-uv", "backend/pyproject.toml")]
    [InlineData("pipenv", "Pipfile")]
    public void A_manifest_declares_names_ranges_and_groups_as_written(string fixture, string manifest)
    {
        var (declared, warnings) = PythonManifest.Read(manifest, Fixtures.Bytes(["pypi", fixture, .. manifest.Split('/')]));

        Assert.Empty(warnings);
        var folder = ManifestFiles.FolderOf(manifest);
        var expected = Fixtures.Lines(["pypi", fixture, .. folder.Length > 0 ? folder.Split('/') : [], "expected-declared.txt"])
            .Select(l => l.Split('\t'))
            .Select(f => $"{Pep508.Normalize(f[0])} {Clauses(Pipenv(f[1]))} {(f[2] is "main" || IsExtra(fixture, f[2]) ? "runtime" : "development")}");
        Agreement.Of(expected, declared.Select(d => $"{d.NormalizedName} {Clauses(d.Specifier)} {(d.Development ? "development" : "runtime")}")).AssertExact();
    }

    [Fact]
    public void A_manifest_alone_gives_direct_components_with_declared_ranges()
    {
        var pyproject = """
            [project]
            name = "demo"
            dependencies = ["httpx>=0.27,<1", "Rich==13.7.1", "tomli; python_version < '3.11'"]
            [dependency-groups]
            dev = ["pytest>=8"]
            """;

        var read = PythonManifest.Components("pyproject.toml", Encoding.UTF8.GetBytes(pyproject));

        Assert.Equal(
            ["pkg:pypi/httpx >=0.27,<1 runtime line 3", "pkg:pypi/pytest >=8 development line 5", "pkg:pypi/rich@13.7.1  runtime line 3", "pkg:pypi/tomli  runtime line 3"],
            read.Components.Select(c => $"{c.Purl} {c.DeclaredRange} {(c.Development ? "development" : "runtime")} line {c.Evidence.Line}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("requests[socks,security] >= 2.31, < 3 ; python_version >= '3.8'", "requests", "<3,>=2.31", null)]
    [InlineData("Django==5.0.1", "Django", "==5.0.1", "5.0.1")]
    [InlineData("zope.interface===6.1", "zope.interface", "===6.1", "6.1")]
    [InlineData("numpy==1.*", "numpy", "==1.*", null)]
    [InlineData("pkg (>=1.0)", "pkg", ">=1.0", null)]
    [InlineData("name @ https://example.invalid/pkg.whl ; sys_platform == 'linux'", "name", "", null)]
    public void Pep508_specifiers_are_read(string text, string name, string specifier, string? pinned)
    {
        var requirement = Pep508.Parse(text)!;

        Assert.Equal(name, requirement.Name);
        Assert.Equal(Clauses(specifier), Clauses(requirement.Specifier));
        Assert.Equal(pinned, requirement.PinnedVersion);
    }

    [Theory]
    [InlineData("requests[socks, security]>=2 ; python_version < '3.8'", "socks,security", "python_version < '3.8'", null)]
    [InlineData("name @ https://example.invalid/a;b.whl ; sys_platform == 'linux'", "", "sys_platform == 'linux'", "https://example.invalid/a;b.whl")]
    [InlineData("name@https://example.invalid/a.whl", "", null, "https://example.invalid/a.whl")]
    [InlineData("Cython", "", null, null)]
    [InlineData("greenlet;python_version<'3.11'", "", "python_version<'3.11'", null)]
    public void Extras_markers_and_urls_are_told_apart(string text, string extras, string? markers, string? url)
    {
        var requirement = Pep508.Parse(text)!;

        Assert.Equal(extras, string.Join(',', requirement.Extras));
        Assert.Equal(markers, requirement.Markers);
        Assert.Equal(url, requirement.Url);
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("pkg >=1.0 garbage")]
    [InlineData("pkg ~~1")]
    public void What_is_not_a_specifier_is_not_read_as_one(string text)
    {
        Assert.Null(Pep508.Parse(text));
    }

    [Fact]
    public void An_include_outside_the_repository_and_a_toml_bomb_are_warnings()
    {
        var files = new ManifestFiles(new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal)
        {
            ["requirements.txt"] = Encoding.UTF8.GetBytes("-r ../../etc/passwd\nflask==3.0.0\n"),
            ["uv.lock"] = Encoding.UTF8.GetBytes("version = 1\nx = " + new string('[', 100_000) + new string(']', 100_000) + "\n"),
        });

        var read = PyPiFiles.Read(files);

        Assert.Equal(["pkg:pypi/flask@3.0.0"], read.Components.Select(c => c.Purl.ToString()));
        Assert.Equal(2, read.Warnings.Count);
    }

    /// <summary>Pipenv's spellings as PEP 440 writes them: <c>*</c> is any version, a bare <c>26.1.*</c> is <c>==26.1.*</c>.</summary>
    private static string Pipenv(string specifier) =>
        specifier == "*" ? "" : specifier.Length > 0 && char.IsAsciiDigit(specifier[0]) ? "==" + specifier : specifier;

    /// <summary>A specifier's clauses in a stable order (pip sorts them, files do not).</summary>
    private static string Clauses(string specifier) =>
        string.Join(',', specifier.Replace(" ", "", StringComparison.Ordinal).Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    /// <summary>Extras (optional-dependencies) are runtime; which group names are extras is each fixture's pyproject's business.</summary>
    private static bool IsExtra(string fixture, string group) =>
        fixture == "httpx-pyproject" && group is "brotli" or "cli" or "http2" or "socks" or "zstd";
}
