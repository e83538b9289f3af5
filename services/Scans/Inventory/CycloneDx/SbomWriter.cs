using System.Text.Json;

namespace TrustedOss.Scans.Inventory.CycloneDx;

/// <summary>What a scan's document describes: the repository at one commit, and when and by what it was made.</summary>
public sealed record SbomSubject(string RepositoryUrl, string CommitSha, string? Ref, Guid ScanId, DateTimeOffset CreatedAt, string ToolVersion)
{
    /// <summary>What the scan measured (bytes fetched, files in the commit, …), as metadata properties.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Measurements { get; init; } = [];
}

/// <summary>
/// Writes a CycloneDX 1.6 JSON document (cyclonedx.org/docs/1.6/json): the repository as the
/// metadata's root component, each inventory component with its package URL, scope and evidence,
/// the dependency graph, and warnings as properties. Written with Utf8JsonWriter straight to the
/// output, so a large inventory is never held twice; hand-written because no CycloneDX library is
/// served to this build, and it is validated against the official schema in the tests.
/// </summary>
public static class SbomWriter
{
    public const string MediaType = "application/vnd.cyclonedx+json; version=1.6";
    private const string RootRef = "repository";

    public static void Write(Stream output, SbomSubject subject, IReadOnlyList<InventoryComponent> components, IReadOnlyList<string> warnings)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        json.WriteString("bomFormat", "CycloneDX");
        json.WriteString("specVersion", "1.6");
        json.WriteString("serialNumber", $"urn:uuid:{subject.ScanId}");
        json.WriteNumber("version", 1);
        WriteMetadata(json, subject, warnings);

        json.WriteStartArray("components");
        foreach (var component in components)
        {
            WriteComponent(json, component);
        }

        json.WriteEndArray();

        json.WriteStartArray("dependencies");
        json.WriteStartObject();
        json.WriteString("ref", RootRef);
        json.WriteStartArray("dependsOn");
        foreach (var direct in components.Where(c => c.Direct).Select(c => c.Id).Distinct(StringComparer.Ordinal))
        {
            json.WriteStringValue(direct);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        foreach (var component in components)
        {
            json.WriteStartObject();
            json.WriteString("ref", component.Id);
            json.WriteStartArray("dependsOn");
            foreach (var target in component.DependsOn)
            {
                json.WriteStringValue(target);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter json, SbomSubject subject, IReadOnlyList<string> warnings)
    {
        json.WriteStartObject("metadata");
        json.WriteString("timestamp", subject.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteStartObject("tools");
        json.WriteStartArray("components");
        json.WriteStartObject();
        json.WriteString("type", "application");
        json.WriteString("name", "trustedoss-scanner");
        json.WriteString("version", subject.ToolVersion);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject("component");
        json.WriteString("type", "application");
        json.WriteString("bom-ref", RootRef);
        json.WriteString("name", subject.RepositoryUrl);
        json.WriteString("version", subject.CommitSha);
        json.WriteStartArray("externalReferences");
        json.WriteStartObject();
        json.WriteString("type", "vcs");
        json.WriteString("url", subject.RepositoryUrl);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("properties");
        WriteProperty(json, "trustedoss:scan_id", subject.ScanId.ToString());
        WriteProperty(json, "trustedoss:commit_sha", subject.CommitSha);
        if (subject.Ref is not null)
        {
            WriteProperty(json, "trustedoss:ref", subject.Ref);
        }

        foreach (var (name, value) in subject.Measurements)
        {
            WriteProperty(json, name, value);
        }

        foreach (var warning in warnings)
        {
            WriteProperty(json, "trustedoss:warning", warning);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteComponent(Utf8JsonWriter json, InventoryComponent component)
    {
        json.WriteStartObject();
        json.WriteString("type", "library");
        json.WriteString("bom-ref", component.Id);
        if (component.Purl.Namespace is { } group)
        {
            json.WriteString("group", group);
        }

        json.WriteString("name", component.Purl.Name);
        if (component.Version is { } version)
        {
            json.WriteString("version", version);
        }

        // CycloneDX's scopes: "optional" is the closest to a development dependency.
        json.WriteString("scope", component.Development ? "optional" : "required");
        json.WriteString("purl", component.Purl.ToString());
        json.WriteStartArray("properties");
        WriteProperty(json, "trustedoss:dependency", component.Direct ? "direct" : "transitive");
        WriteProperty(json, "trustedoss:scope", component.Development ? "development" : "runtime");
        if (component.DeclaredRange is { } range)
        {
            WriteProperty(json, "trustedoss:declared_range", range);
        }

        json.WriteEndArray();
        json.WriteStartObject("evidence");
        json.WriteStartArray("occurrences");
        json.WriteStartObject();
        json.WriteString("location", component.Evidence.File);
        if (component.Evidence.Line is { } line)
        {
            json.WriteNumber("line", line);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }
}
