using FhirBridge.Core.Fhir;

namespace FhirBridge.Cli;

/// <summary>Finds the resource files named on the command line: files as given, folders searched recursively.</summary>
public static class ResourceFiles
{
    /// <summary>The files to validate, in command-line order and sorted within each folder; a missing path is a usage error.</summary>
    public static IReadOnlyList<string> Find(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => IsXml(f) || (IsJson(f) && HasResourceType(f)))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(IsXml(path) || IsJson(path) ? path : throw new UsageException($"{path}: not a .json or .xml file."));
            }
            else
            {
                throw new UsageException($"{path}: no such file or folder.");
            }
        }

        return files;
    }

    public static bool IsXml(string path) => path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase);

    public static bool IsJson(string path) => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The resourceType of a JSON file, or null when the file is not a JSON object naming one.</summary>
    public static string? ResourceTypeOf(string json) => FhirSerializer.PeekResourceType(json).ResourceType;

    // In a folder, JSON that is no FHIR resource (package.json, .index.json, expected-outcomes.json) is not meant for
    // validation; a malformed file still is, so its errors get reported.
    private static bool HasResourceType(string file) => FhirSerializer.PeekResourceType(Read(file)) is { ResourceType: not null } or { WellFormed: false };

    /// <summary>The text of a file; an unreadable file is a usage error naming it.</summary>
    public static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{file}: cannot be read ({e.Message}).");
        }
    }
}
