using System.Reflection;
using System.Text.Json;
using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>The FhirBridge FHIR package (profiles/ in the repository), embedded in this assembly so every host has it.</summary>
public static class FhirBridgePackage
{
    private const string Prefix = "profiles/";
    private static readonly Assembly Assembly = typeof(FhirBridgePackage).Assembly;
    private static readonly Lazy<IReadOnlyList<Resource>> LazyResources = new(LoadResources);
    private static readonly Lazy<PackageManifest> LazyManifest = new(LoadManifest);

    /// <summary>The package's canonical base, e.g. https://fhirbridge.fi/fhir.</summary>
    public static string Canonical => LazyManifest.Value.Canonical;

    /// <summary>The package name from package.json.</summary>
    public static string Name => LazyManifest.Value.Name;

    /// <summary>The package version from package.json.</summary>
    public static string Version => LazyManifest.Value.Version;

    /// <summary>The package's conformance resources (StructureDefinitions, ValueSets, CodeSystems, SearchParameters), parsed once.</summary>
    public static IReadOnlyList<Resource> Resources => LazyResources.Value;

    /// <summary>The raw package.json text.</summary>
    public static string PackageJson => Read("package.json");

    private static IReadOnlyList<Resource> LoadResources() =>
    [
        .. Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && !n.EndsWith("/package.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => FhirSerializer.ParseJson(Read(n[Prefix.Length..]))),
    ];

    private static PackageManifest LoadManifest()
    {
        using var json = JsonDocument.Parse(PackageJson);
        var root = json.RootElement;
        return new PackageManifest(root.GetProperty("name").GetString()!, root.GetProperty("version").GetString()!, root.GetProperty("canonical").GetString()!);
    }

    private static string Read(string file)
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new InvalidOperationException($"The FhirBridge package file {file} is not embedded in {Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record PackageManifest(string Name, string Version, string Canonical);
}
