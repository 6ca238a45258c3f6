using System.Collections.Frozen;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Validation;

/// <summary>The StructureDefinitions, ValueSets and CodeSystems validation can use, indexed by canonical URL (and <c>url|version</c>).</summary>
public sealed class ConformanceSource
{
    private readonly FrozenDictionary<string, IVersionableConformanceResource> _byCanonical;

    public ConformanceSource(IEnumerable<Resource> resources, IEnumerable<string>? loadProblems = null)
    {
        Resources = [.. resources.Where(r => r is StructureDefinition or ValueSet or CodeSystem)];
        LoadProblems = [.. loadProblems ?? []];
        var index = new Dictionary<string, IVersionableConformanceResource>(StringComparer.Ordinal);
        foreach (var resource in Resources.Cast<IVersionableConformanceResource>().Where(r => !string.IsNullOrEmpty(r.Url)))
        {
            // The first loaded definition of a canonical wins, so a package folder listed first takes precedence.
            index.TryAdd(resource.Url, resource);
            if (!string.IsNullOrEmpty(resource.Version))
            {
                index.TryAdd($"{resource.Url}|{resource.Version}", resource);
            }
        }

        _byCanonical = index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>A source with nothing loaded: validation against base R4 only.</summary>
    public static ConformanceSource Empty { get; } = new([]);

    /// <summary>Every loaded conformance resource, in load order.</summary>
    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>Files that could not be read as FHIR resources while loading (path and reason); they were skipped.</summary>
    public IReadOnlyList<string> LoadProblems { get; }

    /// <summary>Loads folders of JSON resources, single JSON files and FHIR package <c>.tgz</c> files.</summary>
    public static ConformanceSource Load(params IEnumerable<string> paths)
    {
        var reader = new ConformanceFileReader();
        foreach (var path in paths)
        {
            reader.Read(path);
        }

        return new ConformanceSource(reader.Resources, reader.Problems);
    }

    public StructureDefinition? FindStructureDefinition(string canonical) => Find<StructureDefinition>(canonical);

    public ValueSet? FindValueSet(string canonical) => Find<ValueSet>(canonical);

    public CodeSystem? FindCodeSystem(string canonical) => Find<CodeSystem>(canonical);

    private T? Find<T>(string canonical) where T : class
    {
        if (_byCanonical.TryGetValue(canonical, out var exact))
        {
            return exact as T;
        }

        // A versioned canonical with no such version loaded still resolves to the unversioned one only if versions agree.
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && _byCanonical.TryGetValue(canonical[..bar], out var unversioned)
            && string.IsNullOrEmpty(unversioned.Version)
            ? unversioned as T
            : null;
    }
}
