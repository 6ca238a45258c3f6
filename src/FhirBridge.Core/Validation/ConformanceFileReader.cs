using System.Formats.Tar;
using System.IO.Compression;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>Reads conformance resources from folders, JSON files and FHIR package tarballs, skipping everything else.</summary>
internal sealed class ConformanceFileReader
{
    private static readonly HashSet<string> WantedTypes = ["StructureDefinition", "ValueSet", "CodeSystem"];

    public List<Resource> Resources { get; } = [];

    public List<string> Problems { get; } = [];

    public void Read(string path)
    {
        if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                ReadJson(file, File.ReadAllText(file));
            }
        }
        else if (path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase))
        {
            ReadPackage(path);
        }
        else if (File.Exists(path))
        {
            ReadJson(path, File.ReadAllText(path));
        }
        else
        {
            Problems.Add($"{path}: no such file or folder");
        }
    }

    // A FHIR package keeps its content under package/ (https://confluence.hl7.org/display/FHIR/NPM+Package+Specification).
    private void ReadPackage(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null || !entry.Name.StartsWith("package/", StringComparison.Ordinal)
                || !entry.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            using var text = new StreamReader(entry.DataStream);
            ReadJson($"{path}!{entry.Name}", text.ReadToEnd());
        }
    }

    private void ReadJson(string name, string json)
    {
        if (!IsWantedResource(json))
        {
            return;
        }

        try
        {
            Resources.Add(FhirSerializer.ParseJson(json));
        }
        catch (BadRequestException e)
        {
            Problems.Add($"{name}: {string.Join("; ", e.Issues.Select(i => i.Diagnostics))}");
        }
    }

    // package.json, .index.json, examples and other files are not conformance resources: look before parsing.
    private static bool IsWantedResource(string json) =>
        FhirSerializer.PeekResourceType(json).ResourceType is { } type && WantedTypes.Contains(type);
}
