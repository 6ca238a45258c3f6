using FhirBridge.Core.Errors;
using FhirBridge.Core.Terminology;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Conformance;

/// <summary>The loaded StructureDefinitions, ValueSets, CodeSystems and ConceptMaps, served read-only by id and searchable by url and name.</summary>
internal sealed class ConformanceCatalog(ProfileValidator validator, ConceptMapSet maps)
{
    /// <summary>The conformance resource types the server publishes.</summary>
    public static IReadOnlyList<string> Types { get; } = ["StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap"];

    /// <summary>The search parameters of <see cref="Search"/>.</summary>
    public static IReadOnlyList<string> SearchParameters { get; } = ["_id", "url", "name", "version"];

    private readonly Lazy<ILookup<string, Resource>> _byType = new(() =>
        validator.Source.Resources.Concat(maps.Maps).Where(r => !string.IsNullOrEmpty(r.Id)).ToLookup(r => r.TypeName));

    /// <summary>The resource of <paramref name="type"/> with <paramref name="id"/>; the first loaded wins.</summary>
    public Resource Read(string type, string id) =>
        _byType.Value[type].FirstOrDefault(r => r.Id == id) ?? throw new ResourceNotFoundException($"{type}/{id} is not known.");

    /// <summary>
    /// The resources of <paramref name="type"/> matching every parameter: <c>_id</c> and <c>url</c> exactly
    /// (<c>url|version</c> allowed), <c>name</c> as a case-insensitive prefix (https://hl7.org/fhir/R4/search.html#string),
    /// <c>version</c> exactly; other parameters are a 400.
    /// </summary>
    public IReadOnlyList<Resource> Search(string type, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        IEnumerable<IVersionableConformanceResource> matches = _byType.Value[type].Cast<IVersionableConformanceResource>();
        foreach (var (name, value) in parameters.Where(p => !p.Key.StartsWith("_format", StringComparison.Ordinal) && p.Key != "_pretty"))
        {
            Func<IVersionableConformanceResource, bool> test = name switch
            {
                "_id" => r => ((Resource)r).Id == value,
                "url" => r => value == r.Url || value == $"{r.Url}|{r.Version}",
                "name" => r => r.Name?.StartsWith(value, StringComparison.OrdinalIgnoreCase) == true,
                "version" => r => r.Version == value,
                _ => throw new BadRequestException(
                    $"{type} is searchable by {string.Join(", ", SearchParameters)} only, not '{name}'.", name),
            };
            matches = matches.Where(test);
        }

        return [.. matches.Cast<Resource>()];
    }
}
