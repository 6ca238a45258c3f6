using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FhirBridge.Core.Errors;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirBridge.Cli;

/// <summary>
/// Builds a FHIR package tarball from a source folder (package.json, resources, examples/), following
/// https://confluence.hl7.org/display/FHIR/NPM+Package+Specification; the output is byte-for-byte reproducible.
/// </summary>
public sealed class PackageBuilder
{
    private const string ManifestFile = "package.json";
    private const string IndexFileName = ".index.json";
    private const string Root = "package/";
    private const string ExamplesFolder = "examples";

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // The index leaves out what a file does not have (a Task example has no url, kind or type).
    private static readonly JsonSerializerOptions IndexJson = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // Fixed so that the same source always gives the same tarball.
    private static readonly DateTimeOffset Timestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SortedDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    private PackageBuilder(string source)
    {
        Source = source;
        var manifestPath = Path.Combine(source, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new UsageException($"{manifestPath}: no such file; the source folder needs a package.json.");
        }

        var manifest = ResourceFiles.Read(manifestPath);
        (Name, Version) = ReadManifest(manifestPath, manifest);
        _entries[Root + ManifestFile] = Encoding.UTF8.GetBytes(manifest);
    }

    public string Source { get; }

    public string Name { get; }

    public string Version { get; }

    /// <summary>Files that are not FHIR resources and were left out (relative to the source).</summary>
    public List<string> Skipped { get; } = [];

    /// <summary>Files that failed to parse as FHIR resources, with the reason.</summary>
    public List<string> Problems { get; } = [];

    public int ResourceCount { get; private set; }

    public int ExampleCount { get; private set; }

    /// <summary>Reads the source folder: its top-level JSON resources go to package/, those of examples/ to package/examples/.</summary>
    public static PackageBuilder Read(string source)
    {
        if (!Directory.Exists(source))
        {
            throw new UsageException($"{source}: no such folder.");
        }

        var builder = new PackageBuilder(source);
        builder.ResourceCount = builder.AddFolder(source, Root);
        var examples = Path.Combine(source, ExamplesFolder);
        builder.ExampleCount = Directory.Exists(examples) ? builder.AddFolder(examples, $"{Root}{ExamplesFolder}/") : 0;
        return builder;
    }

    /// <summary>The gzip'ed tarball, entries sorted by name.</summary>
    public byte[] Build()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, content) in _entries)
            {
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    ModificationTime = Timestamp,
                    Mode = FileMode,
                    DataStream = new MemoryStream(content, writable: false),
                });
            }
        }

        return buffer.ToArray();
    }

    private int AddFolder(string folder, string prefix)
    {
        var index = new List<IndexFile.Entry>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name is ManifestFile or IndexFileName)
            {
                continue;
            }

            var text = ResourceFiles.Read(file);
            if (ResourceFiles.ResourceTypeOf(text) is null)
            {
                Skipped.Add(Path.GetRelativePath(Source, file));
                continue;
            }

            try
            {
                index.Add(IndexEntry(name, FhirSerializer.ParseJson(text)));
                _entries[prefix + name] = Encoding.UTF8.GetBytes(text);
            }
            catch (BadRequestException e)
            {
                Problems.Add($"{Path.GetRelativePath(Source, file)}: {string.Join("; ", e.Issues.Select(i => i.Diagnostics))}");
            }
        }

        _entries[prefix + IndexFileName] = JsonSerializer.SerializeToUtf8Bytes(new IndexFile(1, index), IndexJson);
        return index.Count;
    }

    private static IndexFile.Entry IndexEntry(string filename, Resource resource)
    {
        var conformance = resource as IVersionableConformanceResource;
        var definition = resource as StructureDefinition;
        return new IndexFile.Entry(
            filename,
            resource.TypeName,
            resource.Id,
            conformance?.Url,
            conformance?.Version,
            definition?.Kind?.GetLiteral(),
            definition?.Type);
    }

    private static (string Name, string Version) ReadManifest(string path, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return (Text(root, "name") ?? throw new UsageException($"{path}: no \"name\"."),
                Text(root, "version") ?? throw new UsageException($"{path}: no \"version\"."));
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not valid JSON ({e.Message}).");
        }
    }

    private static string? Text(JsonElement root, string property) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
