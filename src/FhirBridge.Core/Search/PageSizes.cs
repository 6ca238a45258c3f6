namespace FhirBridge.Core.Search;

/// <summary>Page sizes of search and history Bundles (https://hl7.org/fhir/R4/search.html#count).</summary>
/// <param name="Default">_count when the request gives none.</param>
/// <param name="Max">Largest _count honoured; larger requests are clamped to it.</param>
public sealed record PageSizes(int Default = 20, int Max = 1000);
