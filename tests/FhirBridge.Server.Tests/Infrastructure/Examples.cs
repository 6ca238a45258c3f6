using System.Text.Json;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>One manifest search: the example must be among the results of <c>[type]?param=value</c>.</summary>
public sealed record ExampleSearch(string Param, string Value);

/// <summary>One example resource of the manifest, with its file text and the searches that must find it.</summary>
public sealed record Example(string File, string Type, string Id, IReadOnlyList<ExampleSearch> Searches)
{
    /// <summary>"Type/id", the literal reference other examples use for this one.</summary>
    public string Reference => $"{Type}/{Id}";

    public string Json => System.IO.File.ReadAllText(Path.Combine(Examples.Directory, File));

    public Resource Load() => FhirSerializer.ParseJson(Json);
}

/// <summary>The example of every served type (Examples/manifest.json), in dependency order.</summary>
public static class Examples
{
    private static readonly Lazy<IReadOnlyList<Example>> Manifest = new(Load);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Examples");

    public static IReadOnlyList<Example> All => Manifest.Value;

    public static Example Of(string type, string id) => All.Single(e => e.Type == type && e.Id == id);

    private static IReadOnlyList<Example> Load()
    {
        using var manifest = File.OpenRead(Path.Combine(Directory, "manifest.json"));
        var parsed = JsonSerializer.Deserialize<ManifestFile>(manifest, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("Examples/manifest.json is empty.");
        return parsed.Resources;
    }

    private sealed record ManifestFile(IReadOnlyList<Example> Resources);
}
