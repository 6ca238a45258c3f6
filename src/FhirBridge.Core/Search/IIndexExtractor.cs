using Hl7.Fhir.Model;

namespace FhirBridge.Core.Search;

/// <summary>Extracts every search-index value of a resource by evaluating its parameters' FHIRPath expressions.</summary>
public interface IIndexExtractor
{
    IReadOnlyList<IndexEntry> Extract(Resource resource);
}
