using System.Text.Json.Serialization;

namespace FhirBridge.Cli;

/// <summary>The .index.json of a package folder (https://confluence.hl7.org/display/FHIR/NPM+Package+Specification#NPMPackageSpecification-.index.json).</summary>
public sealed record IndexFile(
    [property: JsonPropertyName("index-version")] int IndexVersion,
    [property: JsonPropertyName("files")] IReadOnlyList<IndexFile.Entry> Files)
{
    /// <summary>One file of the folder.</summary>
    public sealed record Entry(
        [property: JsonPropertyName("filename")] string Filename,
        [property: JsonPropertyName("resourceType")] string ResourceType,
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("version")] string? Version,
        [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("type")] string? Type);
}
