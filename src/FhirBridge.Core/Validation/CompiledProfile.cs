namespace FhirBridge.Core.Validation;

/// <summary>A StructureDefinition turned into an element tree, with what went wrong while resolving its base chain.</summary>
internal sealed record CompiledProfile(string Url, string Type, ElementNode Root, IReadOnlyList<string> Problems);
