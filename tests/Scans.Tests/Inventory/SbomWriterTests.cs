using System.Text.Json;
using Json.Schema;
using TrustedOss.Scans.Inventory;
using TrustedOss.Scans.Inventory.CycloneDx;
using TrustedOss.Scans.Inventory.Npm;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>Every document the writer makes validates against the official CycloneDX 1.6 JSON schema.</summary>
public sealed class SbomWriterTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.FromText(File.ReadAllText(Fixtures.Path("cyclonedx", "spdx.schema.json")), options);
        JsonSchema.FromText(File.ReadAllText(Fixtures.Path("cyclonedx", "jsf-0.82.schema.json")), options);
        return JsonSchema.FromText(File.ReadAllText(Fixtures.Path("cyclonedx", "bom-1.6.schema.json")), options);
    });

    private static readonly SbomSubject Subject = new(
        "https://github.com/mochajs/mocha.git", "505b5e9cec2f0fcbb1e52457f9c638fbfaf87900", "main", Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "1.0.0");

    [Theory]
    [InlineData("lodash-v1")]
    [InlineData("axios-v2")]
    [InlineData("mocha-v3")]
    public void A_document_of_a_real_lock_file_is_valid_cyclonedx_and_every_purl_parses(string fixture)
    {
        var inventory = NpmLockfile.Read("package-lock.json", Fixtures.Bytes("npm", fixture, "package-lock.json"));

        using var document = Written(inventory.Components, ["yarn.lock: not read yet"]);

        AssertValid(document);
        var components = document.RootElement.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(inventory.Components.Count, components.Count);
        Assert.All(components, c => Assert.NotNull(PackageUrl.Parse(c.GetProperty("purl").GetString()!)));
        var refs = components.Select(c => c.GetProperty("bom-ref").GetString()).ToList();
        Assert.Equal(refs.Count, refs.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("npm", "webpack-yarn-classic")]
    [InlineData("npm", "jest-yarn-berry")]
    [InlineData("npm", "vite-pnpm-v9")]
    [InlineData("npm", "vue-pnpm-v5")]
    [InlineData("nuget", "stryker-lock-cpm")]
    [InlineData("nuget", "cswin32-cpm")]
    [InlineData("nuget", "bicep-vs-plain")]
    [InlineData("nuget", "aspnetwebstack-packages-config")]
    [InlineData("pypi", "warehouse-requirements")]
    [InlineData("pypi", "aiohttp-requirements")]
    [InlineData("pypi", "full-stack-fastapi-template-uv")]
    [InlineData("pypi", "poetry-poetry")]
    [InlineData("pypi", "httpx-pyproject")]
    [InlineData("pypi", "pipenv")]
    public void A_document_of_every_format_is_valid_cyclonedx_with_unique_refs_and_parsing_purls(string ecosystem, string fixture)
    {
        var read = FixtureRepository.Read(ecosystem, fixture);
        var components = InventoryResults.UniqueIds(read.Components);

        using var document = Written(components, read.Warnings);

        AssertValid(document);
        var written = document.RootElement.GetProperty("components").EnumerateArray().ToList();
        Assert.NotEmpty(written);
        Assert.All(written, c => Assert.NotNull(PackageUrl.Parse(c.GetProperty("purl").GetString()!)));
        var refs = written.Select(c => c.GetProperty("bom-ref").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(written.Count, refs.Count);
        Assert.All(document.RootElement.GetProperty("dependencies").EnumerateArray().SelectMany(d => d.GetProperty("dependsOn").EnumerateArray()),
            target => Assert.Contains(target.GetString()!, refs));
    }

    [Fact]
    public void A_document_of_a_real_pipfile_lock_is_valid_cyclonedx()
    {
        var inventory = TrustedOss.Scans.Inventory.PyPi.PipfileLock.Read("Pipfile.lock", Fixtures.Bytes("pypi", "pipenv", "Pipfile.lock"));

        using var document = Written(inventory.Components, []);

        AssertValid(document);
        Assert.Equal(inventory.Components.Count, document.RootElement.GetProperty("components").GetArrayLength());
    }

    [Fact]
    public void An_empty_inventory_is_a_valid_document_naming_the_repository_and_commit()
    {
        using var document = Written([], []);

        AssertValid(document);
        var root = document.RootElement;
        Assert.Equal("urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", root.GetProperty("serialNumber").GetString());
        var repository = root.GetProperty("metadata").GetProperty("component");
        Assert.Equal((Subject.RepositoryUrl, Subject.CommitSha), (repository.GetProperty("name").GetString(), repository.GetProperty("version").GetString()));
        Assert.Empty(root.GetProperty("components").EnumerateArray());
    }

    [Fact]
    public void A_scoped_package_is_written_with_its_group_purl_scope_and_evidence()
    {
        var component = new InventoryComponent("pkg:npm/%40babel/core@7.28.5", PackageUrl.Npm("@babel/core", "7.28.5"), "@babel/core", "7.28.5",
            null, Direct: true, Development: true, new Evidence("package-lock.json", 42), []);

        using var document = Written([component], []);

        AssertValid(document);
        var written = document.RootElement.GetProperty("components")[0];
        Assert.Equal(("@babel", "core", "optional"), (written.GetProperty("group").GetString(), written.GetProperty("name").GetString(), written.GetProperty("scope").GetString()));
        var occurrence = written.GetProperty("evidence").GetProperty("occurrences")[0];
        Assert.Equal(("package-lock.json", 42), (occurrence.GetProperty("location").GetString(), occurrence.GetProperty("line").GetInt32()));
        Assert.Equal(["pkg:npm/%40babel/core@7.28.5"], document.RootElement.GetProperty("dependencies")[0].GetProperty("dependsOn").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void The_schema_check_refuses_what_cyclonedx_does_not_allow()
    {
        using var valid = Written([], []);
        var node = System.Text.Json.Nodes.JsonNode.Parse(valid.RootElement.GetRawText())!;
        node["specVersion"] = 1.6;
        node["unknown"] = true;

        using var invalid = JsonDocument.Parse(node.ToJsonString());

        Assert.False(Schema.Value.Evaluate(invalid.RootElement, new EvaluationOptions()).IsValid);
    }

    private static JsonDocument Written(IReadOnlyList<InventoryComponent> components, IReadOnlyList<string> warnings)
    {
        using var buffer = new MemoryStream();
        SbomWriter.Write(buffer, Subject, components, warnings);
        return JsonDocument.Parse(buffer.ToArray());
    }

    private static void AssertValid(JsonDocument document)
    {
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Take(10).Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}")));
    }
}
